// Typed errors of libatclient: callers map them to exit codes (atctl) or errno (atfs).
#pragma once

#include <stdexcept>
#include <string>

namespace at {

enum class ErrorKind {
    Auth,          // 401: bad API key, token refused even after one refresh
    Forbidden,     // 403: not granted that space or account access
    NotFound,      // 404: unknown or foreign session, bad path
    LimitReached,  // 429 after the retry budget: too many live sessions
    BadRequest,    // 400/413/416: the service's message says why
    Network,       // connect/stall/dropped connection after the retry budget
    Integrity,     // corrupt download data: gzip, length or Content-Range mismatch
    Protocol,      // a reply that breaks the API's contract: not JSON, wrong type, out of range
    Server,        // 5xx after the retry budget
    Config,        // missing endpoint/credentials, unreadable config file
};

const char* errorKindName(ErrorKind kind);

class ApiError : public std::runtime_error {
  public:
    ApiError(ErrorKind kind, std::string call, int httpStatus, std::string serviceMessage,
             int retryAfterSeconds = 0, std::string serviceCode = {});

    ErrorKind kind() const { return kind_; }
    const std::string& call() const { return call_; }  // e.g. "POST /v3/sessions"
    int httpStatus() const { return httpStatus_; }     // 0 when no HTTP reply
    const std::string& serviceMessage() const { return serviceMessage_; }
    // The service's machine-readable code ("bad_request", ...), empty when it sent none; kept
    // out of serviceMessage() so a person reads the message alone.
    const std::string& serviceCode() const { return serviceCode_; }
    int retryAfterSeconds() const { return retryAfter_; }

  private:
    ErrorKind kind_;
    std::string call_;
    int httpStatus_;
    std::string serviceMessage_;
    int retryAfter_;
    std::string serviceCode_;
};

}  // namespace at
