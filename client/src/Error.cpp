// ApiError: one line a person can act on (which call, status, the service's words, what to do).
#include "at/Error.h"

namespace at {
namespace {

const char* adviceFor(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Auth:
            return "check the API key (atctl login)";
        case ErrorKind::Forbidden:
            return "ask for access to that space or to the account";
        case ErrorKind::NotFound:
            return "the session or resource no longer exists";
        case ErrorKind::LimitReached:
            return "delete unused sessions (atctl session list/delete) or retry later";
        case ErrorKind::BadRequest:
            return "fix the request";
        case ErrorKind::Network:
            return "check the endpoint, the network and any proxy settings";
        case ErrorKind::Integrity:
            return "retry; report it if it persists";
        case ErrorKind::Protocol:
            return "the endpoint does not speak this API as documented; check the endpoint";
        case ErrorKind::Server:
            return "the service is failing; retry later";
        case ErrorKind::Config:
            return "run atctl login, or fix the config file";
    }
    return "";
}

std::string describe(ErrorKind kind, const std::string& call, int status,
                     const std::string& message) {
    std::string text = call.empty() ? std::string("atclient") : call;
    text += ": ";
    text += errorKindName(kind);
    if (status != 0)
        text += " (HTTP " + std::to_string(status) + ")";
    if (!message.empty())
        text += ": " + message;
    text += " - ";
    text += adviceFor(kind);
    return text;
}

}  // namespace

const char* errorKindName(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Auth:
            return "authentication failed";
        case ErrorKind::Forbidden:
            return "forbidden";
        case ErrorKind::NotFound:
            return "not found";
        case ErrorKind::LimitReached:
            return "limit reached";
        case ErrorKind::BadRequest:
            return "bad request";
        case ErrorKind::Network:
            return "network error";
        case ErrorKind::Integrity:
            return "integrity error";
        case ErrorKind::Protocol:
            return "protocol error";
        case ErrorKind::Server:
            return "server error";
        case ErrorKind::Config:
            return "configuration error";
    }
    return "error";
}

ApiError::ApiError(ErrorKind kind, std::string call, int httpStatus, std::string serviceMessage,
                   int retryAfterSeconds, std::string serviceCode)
    : std::runtime_error(describe(kind, call, httpStatus, serviceMessage)),
      kind_(kind),
      call_(std::move(call)),
      httpStatus_(httpStatus),
      serviceMessage_(std::move(serviceMessage)),
      retryAfter_(retryAfterSeconds),
      serviceCode_(std::move(serviceCode)) {}

}  // namespace at
