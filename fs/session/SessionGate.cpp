#include "session/SessionGate.h"

#include <algorithm>

namespace atfs {

bool SessionGate::acquire(const std::string& domain, std::chrono::milliseconds timeout,
                          const std::function<bool()>& cancelled) {
    std::unique_lock lk(mu_);
    Queue& q = queues_[domain];
    if (q.waiting.empty() && q.used < limit_) {
        q.used++;
        return true;
    }
    Waiter self;
    q.waiting.push_back(&self);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!self.granted && std::chrono::steady_clock::now() < deadline) {
        const auto slice = cancelled
                               ? std::chrono::steady_clock::now() + std::chrono::milliseconds(100)
                               : deadline;
        self.cv.wait_until(lk, std::min(slice, deadline));
        if (!self.granted && cancelled && cancelled())
            break;
    }
    if (self.granted)
        return true;
    q.waiting.erase(std::find(q.waiting.begin(), q.waiting.end(), &self));
    grantNext(q);  // we may have been the front with a slot free (a limit of 0 never is)
    return false;
}

void SessionGate::grantNext(Queue& q) {
    while (!q.waiting.empty() && q.used < limit_) {
        Waiter* w = q.waiting.front();
        q.waiting.pop_front();
        w->granted = true;
        q.used++;
        w->cv.notify_one();
    }
}

void SessionGate::release(const std::string& domain) {
    std::lock_guard lk(mu_);
    Queue& q = queues_[domain];
    q.used--;
    grantNext(q);
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
