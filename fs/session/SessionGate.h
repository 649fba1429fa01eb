// Keeps live sessions per domain under a limit (the service allows 30 per space):
// a counting semaphore per domain, FIFO, with a bounded wait. Queued readers wait
// their turn instead of failing.
//
// A freed slot is handed straight to the waiter at the front, which alone is woken (each
// waiter sleeps on its own condition variable): with 200 readers queued, notify_all woke all
// 200 for every slot freed, and 199 went back to sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace atfs {

class SessionGate {
  public:
    explicit SessionGate(int perDomain) : limit_(perDomain) {}

    // False when no slot freed up within `timeout`, or `cancelled` (polled every 100 ms,
    // keeping our place in line) turned true: the reader was interrupted.
    bool acquire(const std::string& domain, std::chrono::milliseconds timeout,
                 const std::function<bool()>& cancelled = {});
    void release(const std::string& domain);
    int inUse(const std::string& domain) const;
    int waiting(const std::string& domain) const;  // readers queued for a slot
    int limit() const { return limit_; }

  private:
    struct Waiter {
        std::condition_variable cv;
        bool granted = false;  // release() handed it a slot (already counted in `used`)
    };
    struct Queue {
        int used = 0;
        std::deque<Waiter*> waiting;  // FIFO: a free slot goes to the front
    };
    void grantNext(Queue& q);  // under mu_

    const int limit_;
    mutable std::mutex mu_;
    std::map<std::string, Queue> queues_;
};

// Holds one slot; releases it on destruction.
class GateSlot {
  public:
    GateSlot() = default;
    GateSlot(SessionGate* gate, std::string domain) : gate_(gate), domain_(std::move(domain)) {}
    GateSlot(GateSlot&& o) noexcept : gate_(o.gate_), domain_(std::move(o.domain_)) {
        o.gate_ = nullptr;
    }
    GateSlot& operator=(GateSlot&& o) noexcept {
        reset();
        gate_ = o.gate_;
        domain_ = std::move(o.domain_);
        o.gate_ = nullptr;
        return *this;
    }
    ~GateSlot() { reset(); }
    void reset() {
        if (gate_)
            gate_->release(domain_);
        gate_ = nullptr;
    }
    explicit operator bool() const { return gate_ != nullptr; }

  private:
    SessionGate* gate_ = nullptr;
    std::string domain_;
};

}  // namespace atfs
