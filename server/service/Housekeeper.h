// The background thread of atd: deletes idle sessions (when --session-idle-timeout is set)
// and applies retention hourly, so neither depends on traffic.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <thread>

#include "service/SessionRegistry.h"
#include "store/Store.h"

namespace atd {

class Housekeeper {
  public:
    Housekeeper(Store& store, SessionRegistry& sessions, std::chrono::seconds idleTimeout,
                std::ostream& log, bool quiet);
    ~Housekeeper();  // stops and joins

    Housekeeper(const Housekeeper&) = delete;
    Housekeeper& operator=(const Housekeeper&) = delete;

  private:
    void loop();

    Store& store_;
    SessionRegistry& sessions_;
    std::chrono::seconds idleTimeout_;
    std::ostream& log_;
    bool quiet_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace atd
