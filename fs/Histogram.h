// A Prometheus-style histogram of durations: fixed upper bounds, lock-free observe() on the
// read path, a consistent-enough snapshot for .atfs/metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace atfs {

class Histogram {
  public:
    explicit Histogram(std::initializer_list<double> upperBoundsSeconds)
        : bounds_(upperBoundsSeconds),
          buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

    void observe(double seconds) {
        size_t i = 0;
        while (i < bounds_.size() && seconds > bounds_[i])
            ++i;
        buckets_[i].fetch_add(1, std::memory_order_relaxed);  // i == size(): +Inf only
        sumMicros_.fetch_add(uint64_t(seconds * 1e6), std::memory_order_relaxed);
    }

    struct Snapshot {
        std::vector<double> bounds;
        std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
        double sumSeconds = 0;
    };
    Snapshot snapshot() const {
        Snapshot s{bounds_, {}, double(sumMicros_.load()) / 1e6};
        uint64_t total = 0;
        for (size_t i = 0; i <= bounds_.size(); ++i) {
            total += buckets_[i].load(std::memory_order_relaxed);
            s.cumulative.push_back(total);
        }
        return s;
    }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
    std::atomic<uint64_t> sumMicros_{0};
};

}  // namespace atfs
