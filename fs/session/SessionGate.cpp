#include "session/SessionGate.h"

#include <algorithm>

namespace atfs {

bool SessionGate::acquire(const std::string& domain, std::chrono::milliseconds timeout,
                          const std::function<bool()>& cancelled) {
    std::unique_lock lk(mu_);
    Queue& q = queues_[domain];
    const uint64_t ticket = q.nextTicket++;
    q.waiting.push_back(ticket);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto ready = [&] { return q.waiting.front() == ticket && q.used < limit_; };
    bool ok = ready();
    while (!ok && std::chrono::steady_clock::now() < deadline) {
        const auto slice = cancelled
                               ? std::chrono::steady_clock::now() + std::chrono::milliseconds(100)
                               : deadline;
        ok = q.cv.wait_until(lk, std::min(slice, deadline), ready);
        if (!ok && cancelled && cancelled())
            break;
    }
    q.waiting.erase(std::find(q.waiting.begin(), q.waiting.end(), ticket));
    if (ok)
        q.used++;
    // The next in line may now be at the front, or a slot may still be free.
    q.cv.notify_all();
    return ok;
}

void SessionGate::release(const std::string& domain) {
    std::lock_guard lk(mu_);
    Queue& q = queues_[domain];
    q.used--;
    q.cv.notify_all();
}

int SessionGate::inUse(const std::string& domain) const {
    std::lock_guard lk(mu_);
    auto it = queues_.find(domain);
    return it == queues_.end() ? 0 : it->second.used;
}

int SessionGate::waiting(const std::string& domain) const {
    std::lock_guard lk(mu_);
    auto it = queues_.find(domain);
    return it == queues_.end() ? 0 : int(it->second.waiting.size());
}

}  // namespace atfs
