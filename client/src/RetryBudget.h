// How long and how often one call may retry: bounded attempts and total time, exponential
// backoff with jitter, and the service's Retry-After when it gives one.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "at/Client.h"

namespace at {

class RetryBudget {
  public:
    // Waits for the given time; returns false when the wait was cancelled.
    using Sleeper = std::function<bool(std::chrono::milliseconds)>;

    explicit RetryBudget(const ClientOptions& options, Sleeper sleeper = {});

    // Before another attempt: sleeps the backoff (or Retry-After) and returns true, or returns
    // false when the attempts or the time budget are spent, or the sleep was cancelled.
    bool retry(std::optional<int> retryAfterSeconds = std::nullopt);

    // Progress was made (a resumed download moved forward): start a fresh budget.
    void restart();

    int attempts() const { return attempts_; }

  private:
    std::chrono::milliseconds backoff() const;

    long maxAttempts_;
    std::chrono::milliseconds maxTime_;
    std::chrono::milliseconds base_;
    Sleeper sleeper_;
    int attempts_ = 1;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace at
