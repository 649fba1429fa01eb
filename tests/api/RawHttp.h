// Test support: HTTP over a plain socket, for requests no well-behaved client sends (raw
// bytes in a path or a header, endless headers, bodies that never end, requests from another
// loopback address) and for atd's RSS while they run.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace atdtest {

// atd's resident set in KiB, from /proc/PID/status (-1 if gone).
long rssKiB(int pid);

class RawConnection {
  public:
    // Connects to 127.0.0.1:port, from `source` (another loopback address, to be another peer).
    explicit RawConnection(int port, const std::string& source = "",
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    // False once the peer closed or reset (or the send timed out).
    bool send(const std::string& bytes);
    // Reads one reply (headers and Content-Length body); "" if none came before the timeout.
    std::string readReply();
    // True when the peer has closed: recv returns 0 or an error within the timeout.
    bool closedByPeer(std::chrono::milliseconds within);

  private:
    int fd_ = -1;
};

struct RawReply {
    int status = 0;  // 0: no reply
    std::string headers;
    std::string body;
};
RawReply parseReply(const std::string& raw);

// Sends `request` on a new connection and returns the parsed reply.
RawReply rawRequest(int port, const std::string& request);

// The same from `sourceAddress` (any 127.x.y.z works on Linux), with a 20 s bound on each wait.
RawReply sendRaw(int port, const std::string& request,
                 const std::string& sourceAddress = "127.0.0.1");

// The value of header `name` (case-insensitive) in reply.headers, or "".
std::string headerOf(const RawReply& reply, const std::string& name);

}  // namespace atdtest
