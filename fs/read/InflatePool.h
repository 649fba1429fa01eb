// The mount's inflate workers, shared by every open file: tasks (inflating one block of an
// hour, or indexing an hour) run in the order they were submitted. Submitting never blocks;
// what bounds the work is its submitters (a file's look-ahead and the memory budget), so
// the queue holds at most a few blocks per open file.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace atfs::read {

class InflatePool {
  public:
    // 0: one worker per CPU (std::thread::hardware_concurrency(), at least 1).
    explicit InflatePool(unsigned threads);
    ~InflatePool();  // runs what is queued, then joins
    InflatePool(const InflatePool&) = delete;
    InflatePool& operator=(const InflatePool&) = delete;

    unsigned threads() const { return unsigned(workers_.size()); }
    // `task` must not throw and must not wait for another task of the pool.
    void submit(std::function<void()> task);

  private:
    void run();

    std::mutex mu_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace atfs::read
