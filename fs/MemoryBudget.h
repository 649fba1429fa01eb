// The memory all open files' read windows draw from, so total use stays bounded
// however many files stream at once. A reader that cannot get its share waits, bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace atfs {

class MemoryBudget {
  public:
    explicit MemoryBudget(uint64_t totalBytes) : total_(totalBytes) {}

    // False when `bytes` did not become available within `timeout` (or exceed the total).
    bool acquire(uint64_t bytes, std::chrono::milliseconds timeout);
    void release(uint64_t bytes);
    uint64_t used() const;
    uint64_t total() const { return total_; }

  private:
    const uint64_t total_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    uint64_t used_ = 0;
};

}  // namespace atfs
