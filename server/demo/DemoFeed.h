// A demo that lives: keeps ingesting realistic events, stamped with the clock's time, into
// the demo's domains at a steady rate, so today's files grow while a reader follows them
// (`tail -f MNT/account/today.json`). Runs inside `atd serve --demo-live RATE`, through
// the same Store as the API's ingest.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "demo/DemoEvents.h"
#include "store/Store.h"

namespace atd {

class DemoFeed {
  public:
    // eventsPerSecond across all domains, spread round-robin; startMicros: the feed's t0.
    DemoFeed(Store& store, std::vector<std::string> domains, double eventsPerSecond, uint64_t seed,
             int64_t startMicros);
    ~DemoFeed();  // stops and joins
    DemoFeed(const DemoFeed&) = delete;
    DemoFeed& operator=(const DemoFeed&) = delete;

    // Ingests the events due up to nowMicros (evenly spaced since the last call); returns
    // how many. What the thread calls every tick; tests call it with their own clock.
    uint64_t ingestDue(int64_t nowMicros);
    // Starts the thread (ticks of kTick); errors go to `log`, one line each, and it goes on.
    void start(std::ostream& log);

    static constexpr std::chrono::milliseconds kTick{250};

  private:
    void loop(std::ostream& log);

    Store& store_;
    const std::vector<std::string> domains_;
    const double rate_;
    const int64_t start_;
    demo::DemoWorld world_;
    std::vector<demo::EventWriter> writers_;  // one per domain
    uint64_t emitted_ = 0;
    int64_t lastMicros_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

// The domains a demo data folder holds (the folders of DATA/events).
std::vector<std::string> demoDomains(const std::filesystem::path& dataDir);

}  // namespace atd
