// The space list and each domain's day index, cached with short TTLs so `ls -lR` of a
// warm mount calls no backend. Past days are immutable; today changes, so today's entry
// is refreshed on its own, shorter TTL. flush() (SIGHUP) drops everything.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "Backend.h"
#include "SessionPlan.h"

namespace atfs {

class MetadataCache {
  public:
    using Clock = std::chrono::steady_clock;

    MetadataCache(Backend& backend, std::chrono::milliseconds ttl,
                  std::chrono::milliseconds todayTtl)
        : backend_(backend), ttl_(ttl), todayTtl_(todayTtl) {}

    // Both throw at::ApiError when the service fails.
    std::shared_ptr<const at::SpaceList> spaces();
    std::shared_ptr<const DayIndex> index(const at::Domain& domain, at::Date today);

    void flush();
    // Async-signal-safe (SIGHUP): every cache flushes at its next use.
    static void requestFlushAll();

    struct State {
        double spacesAgeSeconds = -1;                              // -1: not cached
        std::map<std::string, std::pair<double, size_t>> domains;  // key -> age, days
    };
    State state() const;

  private:
    struct Entry {
        std::mutex fetch;  // one fetch per domain at a time; others wait and reuse it
        std::shared_ptr<const DayIndex> index;
        Clock::time_point fetched, todayFetched;
    };
    Backend& backend_;
    const std::chrono::milliseconds ttl_, todayTtl_;
    mutable std::mutex mu_;
    std::mutex spacesFetch_;
    std::shared_ptr<const at::SpaceList> spaces_;
    Clock::time_point spacesFetched_;
    std::map<std::string, std::shared_ptr<Entry>> domains_;
    int seenGeneration_ = 0;
    void flushIfRequested();
};

}  // namespace atfs
