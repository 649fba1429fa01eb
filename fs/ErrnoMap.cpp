#include "ErrnoMap.h"

#include <cerrno>

#include "Log.h"

namespace atfs {

int errnoFor(at::ErrorKind kind) {
    switch (kind) {
        case at::ErrorKind::NotFound:
            return ENOENT;
        case at::ErrorKind::Auth:
        case at::ErrorKind::Forbidden:
            return EACCES;
        // A reader blocked in read() must not see EAGAIN: the retry budget is spent.
        case at::ErrorKind::LimitReached:
        case at::ErrorKind::BadRequest:
        case at::ErrorKind::Network:
        case at::ErrorKind::Integrity:
        case at::ErrorKind::Server:
        case at::ErrorKind::Config:
            return EIO;
        // The service answered something outside the API (a number out of range, a wrong
        // type): not an I/O fault of the disk or the network.
        case at::ErrorKind::Protocol:
            return EPROTO;
    }
    return EIO;
}

namespace {
const char* advice(at::ErrorKind kind) {
    switch (kind) {
        case at::ErrorKind::Auth:
            return "check the API key (atctl login)";
        case at::ErrorKind::Forbidden:
            return "the credentials lack access to this domain";
        case at::ErrorKind::NotFound:
            return "the session or data is gone; reopen the file";
        case at::ErrorKind::LimitReached:
            return "too many live sessions; lower max_sessions";
        case at::ErrorKind::Network:
            return "check the network and the endpoint; retry";
        case at::ErrorKind::Integrity:
            return "the download was corrupt; retry";
        case at::ErrorKind::Protocol:
            return "the service's reply breaks the API; check the endpoint";
        case at::ErrorKind::Server:
            return "the service failed; retry later";
        default:
            return "retry; report if it persists";
    }
}
}  // namespace

int reportError(const std::string& what, const std::string& file, const std::string& session,
                const at::ApiError& error) {
    const int err = errnoFor(error.kind());
    std::string line = what + " failed on " + file;
    if (!session.empty())
        line += " (session " + session + ")";
    line += ": " + error.call() + " " + at::errorKindName(error.kind());
    if (error.httpStatus())
        line += " HTTP " + std::to_string(error.httpStatus());
    line += ": " + error.serviceMessage() + " - " + advice(error.kind());
    logLine(line);
    return err;
}

}  // namespace atfs
