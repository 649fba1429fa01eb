// What a connection may cost before atd trusts it: the limits handed to MHD, and the one
// limit MHD lacks, a deadline for a whole request header (a client dripping a byte every
// second never trips an idle timeout, so it is cut here).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace atd::http {

struct Limits {
    size_t maxBodyBytes = size_t(64) << 10;           // decoded body of an ordinary route
    size_t maxStreamBodyBytes = size_t(256) << 20;    // decoded body of a streaming route (ingest)
    size_t connectionMemoryBytes = size_t(64) << 10;  // request line + headers, per connection
    // Decoded bodies held by all requests in flight together: past it, 503 + Retry-After.
    size_t maxBufferedBytes = size_t(1) << 30;
    unsigned maxConnections = 1024;
    unsigned maxConnectionsPerIp = 128;
    std::chrono::seconds idleTimeout{60};    // no byte either way for this long: closed
    std::chrono::seconds headerTimeout{30};  // a whole request header must arrive within this
    unsigned threads = 16;                   // event-loop threads
    unsigned handlerThreads = 4;             // run the handlers of streamed bodies (ingest)
};

// Cuts connections whose request header is not complete within the deadline, counted from
// the connection's start or from the end of its previous reply (so it also bounds keep-alive
// idling). It shuts the socket down; MHD then sees the end and closes the connection itself.
class HeaderDeadline {
  public:
    explicit HeaderDeadline(std::chrono::seconds limit);  // 0: off
    ~HeaderDeadline();
    HeaderDeadline(const HeaderDeadline&) = delete;
    HeaderDeadline& operator=(const HeaderDeadline&) = delete;

    void opened(const void* connection, int fd);
    void headerComplete(const void* connection);  // the clock stops
    void replyDone(const void* connection);       // waiting for the next request: it restarts
    void closed(const void* connection);          // before MHD closes the descriptor
    uint64_t cutCount() const;

  private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        int fd;
        bool waiting;  // for a request header
        bool cut;
        Clock::time_point since;
    };
    void sweep();

    std::chrono::seconds limit_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    uint64_t cuts_ = 0;
    std::unordered_map<const void*, Entry> entries_;
    std::thread sweeper_;
};

}  // namespace atd::http
