#include "service/ApiError.h"

#include "http/Router.h"

#include <nlohmann/json.hpp>

#include "at/SafeText.h"

namespace atd {

namespace {

constexpr size_t kMaxMessageBytes = 2000;

}  // namespace

const char* errorCodeFor(int status) {
    switch (status) {
        case 400:
            return "bad_request";
        case 401:
            return "unauthorized";
        case 403:
            return "forbidden";
        case 404:
            return "not_found";
        case 405:
            return "method_not_allowed";
        case 413:
            return "payload_too_large";
        case 415:
            return "unsupported_media_type";
        case 416:
            return "range_not_satisfiable";
        case 429:
            return "limit_reached";
        case 503:
            return "unavailable";
        default:
            return status >= 500 ? "internal" : "bad_request";
    }
}

const char* ApiError::code() const {
    return errorCodeFor(status_);
}

void replyError(http::Response& res, const ApiError& error) {
    // A message may quote request bytes (a path, an id, a header): printable() makes it valid
    // UTF-8 so dump() cannot throw, and keeps an echoed megabyte out of the reply.
    nlohmann::json body = {{"code", error.code()},
                           {"message", at::printable(error.what(), kMaxMessageBytes)}};
    if (error.line) {
        body["line"] = *error.line;
    }
    if (error.retryAfter) {
        res.set_header("Retry-After", std::to_string(*error.retryAfter));
    }
    res.status = error.status();
    res.set_content(nlohmann::json{{"error", body}}.dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace) +
                        "\n",
                    "application/json");
}

void replyError(http::Response& res, int status, const std::string& message) {
    replyError(res, ApiError(status, message));
}

}  // namespace atd
