#include "http/HandlerPool.h"

namespace atd::http {

HandlerPool::HandlerPool(unsigned threads) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i)
        threads_.emplace_back([this] { work(); });
}

HandlerPool::~HandlerPool() {
    stop();
}

bool HandlerPool::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void HandlerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable())
            t.join();
    }
}

void HandlerPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty())
            return;  // stopping, and every queued job has run
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();  // jobs do not throw (MhdServer's catch everything)
        lock.lock();
    }
}

}  // namespace atd::http
