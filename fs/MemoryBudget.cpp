#include "MemoryBudget.h"

namespace atfs {

bool MemoryBudget::acquire(uint64_t bytes, std::chrono::milliseconds timeout) {
    if (bytes > total_)
        return false;
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, timeout, [&] { return used_ + bytes <= total_; }))
        return false;
    used_ += bytes;
    return true;
}

void MemoryBudget::release(uint64_t bytes) {
    std::lock_guard lk(mu_);
    used_ -= bytes;
    cv_.notify_all();
}

uint64_t MemoryBudget::used() const {
    std::lock_guard lk(mu_);
    return used_;
}

}  // namespace atfs
