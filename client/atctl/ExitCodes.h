// atctl's documented exit codes (man/atctl.1): one per at::ErrorKind, plus usage and local files.
#pragma once

#include "at/Error.h"

namespace atctl {

enum ExitCode : int {
    kOk = 0,
    kUsage = 1,         // bad command line, bad date, unknown target name
    kAuth = 2,          // API key refused
    kForbidden = 3,     // no access to that space or to the account
    kNotFound = 4,      // unknown session or space
    kLimitReached = 5,  // too many live sessions
    kBadRequest = 6,    // the service rejected the arguments (its message says why)
    kNetwork = 7,       // endpoint unreachable, connection dropped
    kIntegrity = 8,     // corrupt or truncated reply
    kServer = 9,        // 5xx
    kConfig = 10,       // missing, unreadable or world-readable config file
    kLocalFile = 11,    // cannot read an input file or write an output file
    kProtocol = 12,     // a reply outside the API's contract (number out of range, wrong type)
};

constexpr int exitCodeFor(at::ErrorKind kind) {
    switch (kind) {
        case at::ErrorKind::Auth:
            return kAuth;
        case at::ErrorKind::Forbidden:
            return kForbidden;
        case at::ErrorKind::NotFound:
            return kNotFound;
        case at::ErrorKind::LimitReached:
            return kLimitReached;
        case at::ErrorKind::BadRequest:
            return kBadRequest;
        case at::ErrorKind::Network:
            return kNetwork;
        case at::ErrorKind::Integrity:
            return kIntegrity;
        case at::ErrorKind::Protocol:
            return kProtocol;
        case at::ErrorKind::Server:
            return kServer;
        case at::ErrorKind::Config:
            return kConfig;
    }
    return kServer;
}

}  // namespace atctl
