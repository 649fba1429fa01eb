// The one error type every route throws; the server turns it into the JSON error body of
// API.md, so each route only says what went wrong and for whom.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include "http/Response.h"

namespace atd {

class ApiError : public std::runtime_error {
  public:
    ApiError(int status, std::string message)
        : std::runtime_error(std::move(message)), status_(status) {}

    int status() const { return status_; }
    // The API.md code for the status: "bad_request", "unauthorized", ...
    const char* code() const;

    std::optional<uint64_t> line;   // ingest: the first bad line, 1-based
    std::optional<int> retryAfter;  // 429: seconds the client should wait

  private:
    int status_;
};

// Error code of API.md for an HTTP status.
const char* errorCodeFor(int status);

// Writes {"error":{"code","message"[,"line"]}} with the status (and Retry-After).
void replyError(http::Response& res, const ApiError& error);
void replyError(http::Response& res, int status, const std::string& message);

}  // namespace atd
