#include "service/Housekeeper.h"

#include <algorithm>

namespace atd {

namespace {

constexpr auto kRetentionInterval = std::chrono::hours(1);

// Often enough that a session is gone within a second or so of its timeout, whatever it is.
std::chrono::milliseconds sweepInterval(std::chrono::seconds idle) {
    auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(idle) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(200), std::chrono::milliseconds(5000));
}

}  // namespace

Housekeeper::Housekeeper(Store& store, SessionRegistry& sessions, std::chrono::seconds idleTimeout,
                         std::ostream& log, bool quiet)
    : store_(store),
      sessions_(sessions),
      idleTimeout_(idleTimeout),
      log_(log),
      quiet_(quiet),
      thread_([this] { loop(); }) {}

Housekeeper::~Housekeeper() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Housekeeper::loop() {
    using Clock = std::chrono::steady_clock;
    auto nextRetention = Clock::now() + kRetentionInterval;
    auto interval =
        idleTimeout_.count() > 0 ? sweepInterval(idleTimeout_) : std::chrono::milliseconds(60'000);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
        lock.unlock();
        try {
            if (idleTimeout_.count() > 0) {
                auto removed = sessions_.removeIdle(idleTimeout_);
                if (removed > 0 && !quiet_) {
                    log_ << "atd: deleted " << removed << " session(s) idle for more than "
                         << idleTimeout_.count() << " s" << std::endl;
                }
            }
            if (Clock::now() >= nextRetention) {
                nextRetention = Clock::now() + kRetentionInterval;
                auto dropped = store_.applyRetention();
                if (dropped.count > 0 && !quiet_) {
                    log_ << "atd: retention dropped " << dropped.count << " events ("
                         << dropped.bytes << " bytes)" << std::endl;
                }
            }
        } catch (const std::exception& e) {
            log_ << "atd: housekeeping failed: " << e.what() << "; will retry" << std::endl;
        }
        lock.lock();
    }
}

}  // namespace atd
