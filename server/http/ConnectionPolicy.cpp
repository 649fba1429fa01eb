#include "http/ConnectionPolicy.h"

#include <sys/socket.h>

namespace atd::http {

HeaderDeadline::HeaderDeadline(std::chrono::seconds limit) : limit_(limit) {
    if (limit_.count() > 0) {
        sweeper_ = std::thread([this] { sweep(); });
    }
}

HeaderDeadline::~HeaderDeadline() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (sweeper_.joinable())
        sweeper_.join();
}

void HeaderDeadline::opened(const void* connection, int fd) {
    std::lock_guard lock(mutex_);
    entries_[connection] = Entry{fd, true, false, Clock::now()};
}

void HeaderDeadline::headerComplete(const void* connection) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(connection);
    if (it != entries_.end())
        it->second.waiting = false;
}

void HeaderDeadline::replyDone(const void* connection) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(connection);
    if (it != entries_.end()) {
        it->second.waiting = true;
        it->second.since = Clock::now();
    }
}

void HeaderDeadline::closed(const void* connection) {
    std::lock_guard lock(mutex_);
    entries_.erase(connection);
}

uint64_t HeaderDeadline::cutCount() const {
    std::lock_guard lock(mutex_);
    return cuts_;
}

void HeaderDeadline::sweep() {
    // A quarter of the limit (at most 1 s): a dripping client is cut within 1.25x the limit.
    const auto tick = std::min<Clock::duration>(std::chrono::seconds(1), limit_ / 4);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
        const auto now = Clock::now();
        for (auto& [connection, e] : entries_) {
            if (e.waiting && !e.cut && now - e.since > limit_) {
                // The descriptor is still open: closed() runs before MHD closes it, and it
                // needs this lock.
                ::shutdown(e.fd, SHUT_RDWR);
                e.cut = true;
                ++cuts_;
            }
        }
    }
}

}  // namespace atd::http
