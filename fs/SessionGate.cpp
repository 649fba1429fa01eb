#include "SessionGate.h"

#include <algorithm>

namespace atfs {

bool SessionGate::acquire(const std::string& domain, std::chrono::milliseconds timeout) {
    std::unique_lock lk(mu_);
    Queue& q = queues_[domain];
    const uint64_t ticket = q.nextTicket++;
    q.waiting.push_back(ticket);
    const bool ok =
        q.cv.wait_for(lk, timeout, [&] { return q.waiting.front() == ticket && q.used < limit_; });
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

}  // namespace atfs
