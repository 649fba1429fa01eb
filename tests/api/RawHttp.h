// Test support: one HTTP/1.1 exchange over a plain socket, for requests a client library would
// refuse to send (invalid UTF-8 in a header) or that must come from another loopback address.
#pragma once

#include <string>

namespace atdtest {

struct RawReply {
    int status = 0;       // 0: no reply (connection refused, reset or timed out)
    std::string headers;  // the status line and header lines, "\r\n" separated
    std::string body;
};

// Sends `request` as is from `sourceAddress` (any 127.x.y.z works on Linux) to 127.0.0.1:port
// and reads until the server closes; every wait is bounded by a 20 s socket timeout.
RawReply sendRaw(int port, const std::string& request,
                 const std::string& sourceAddress = "127.0.0.1");

// The value of header `name` (case-insensitive) in reply.headers, or "".
std::string headerOf(const RawReply& reply, const std::string& name);

}  // namespace atdtest
