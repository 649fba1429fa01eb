// Threads for handlers that may take seconds (an ingest commits up to 256 MiB in ~3 s): the
// event-loop thread that read the request hands the handler here and goes on serving its other
// connections, instead of stalling every one of them for as long as the commit takes.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace atd::http {

class HandlerPool {
  public:
    explicit HandlerPool(unsigned threads);
    ~HandlerPool();  // stop()
    HandlerPool(const HandlerPool&) = delete;
    HandlerPool& operator=(const HandlerPool&) = delete;

    // Queues `job` for a pool thread; false once stop() has begun (the caller runs it itself).
    bool post(std::function<void()> job);
    // Refuses new jobs, runs every queued one, joins the threads. Idempotent.
    void stop();

  private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace atd::http
