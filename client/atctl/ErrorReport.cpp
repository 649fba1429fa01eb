#include "ErrorReport.h"

#include <cstdio>
#include <string>

#include "at/ApiLimits.h"

namespace atctl {

std::string adviceFor(const at::ApiError& error) {
    const std::string& message = error.serviceMessage();
    switch (error.kind()) {
        case at::ErrorKind::Auth:
            return "check the API key, then run atctl login again";
        case at::ErrorKind::Forbidden:
            return "ask for access to that space (or account access for -a), or pick another "
                   "space with atctl target";
        case at::ErrorKind::NotFound:
            return "check the session ID with atctl session list";
        case at::ErrorKind::LimitReached: {
            std::string advice =
                "delete sessions you no longer need (atctl session list, atctl "
                "session delete ID)";
            if (error.retryAfterSeconds() > 0) {
                advice += ", then retry in " + std::to_string(error.retryAfterSeconds()) + " s";
            }
            return advice;
        }
        case at::ErrorKind::BadRequest:
            if (message.find("at most " + std::to_string(at::kMaxSessionDays) + " days") !=
                std::string::npos) {
                return "use a range of at most " + std::to_string(at::kMaxSessionDays) + " days";
            }
            if (error.call().rfind("POST /v3/events", 0) == 0) {
                return "fix that line of the input and send it again";
            }
            return "fix the arguments and try again (atctl COMMAND --help)";
        case at::ErrorKind::Network:
            if (message.find("SSL") != std::string::npos ||
                message.find("certificate") != std::string::npos) {
                return "the service's TLS certificate is not trusted: run atctl login --cacert "
                       "CA.pem (or --insecure for a test server only)";
            }
            return "check that the service is up and the endpoint is right (atctl login "
                   "--endpoint URL)";
        case at::ErrorKind::Integrity:
            return "try again; if it persists the service is sending corrupt data";
        case at::ErrorKind::Protocol:
            return "the endpoint's reply breaks the API (see the field named); check that "
                   "--endpoint is an Activity Tracker service";
        case at::ErrorKind::Server:
            return "the service failed; try again later";
        case at::ErrorKind::Config:
            return "run atctl login";
    }
    return "try again";
}

std::string describe(const at::ApiError& error) {
    std::string message = error.serviceMessage().empty() ? error.what() : error.serviceMessage();
    if (error.kind() == at::ErrorKind::Config) {
        // Config messages are written for a person already, advice included.
        if (message.find(" — ") != std::string::npos) {
            return message;
        }
        return message + " — " + adviceFor(error);
    }
    std::string line = error.call().empty() ? std::string("request") : error.call();
    line += " failed";
    if (error.httpStatus() > 0) {
        line += " (" + std::to_string(error.httpStatus()) + ")";
    }
    return line + ": " + message + " — " + adviceFor(error);
}

void reportError(const std::string& line) {
    std::fprintf(stderr, "atctl: %s\n", line.c_str());
    std::fflush(stderr);
}

}  // namespace atctl
