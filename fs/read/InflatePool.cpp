#include "read/InflatePool.h"

namespace atfs::read {

InflatePool::InflatePool(unsigned threads) {
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        workers_.emplace_back([this] { run(); });
}

InflatePool::~InflatePool() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_)
        t.join();
}

void InflatePool::submit(std::function<void()> task) {
    {
        std::lock_guard lk(mu_);
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void InflatePool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lk(mu_);
            wake_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // stopping, and nothing left
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        task();
    }
}

}  // namespace atfs::read
