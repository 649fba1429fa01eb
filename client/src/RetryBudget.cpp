#include "RetryBudget.h"

#include <algorithm>
#include <random>
#include <thread>

namespace at {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{10000};

double jitterFraction() {
    // Full-range jitter in [0.5, 1.0): many clients failing together must not retry in step.
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.5, 1.0)(rng);
}

}  // namespace

RetryBudget::RetryBudget(const ClientOptions& options, Sleeper sleeper)
    : maxAttempts_(std::max(1, options.maxAttempts)),
      maxTime_(std::max(0L, options.maxRetryTimeMs)),
      base_(std::max(1L, options.backoffBaseMs)),
      sleeper_(std::move(sleeper)),
      start_(std::chrono::steady_clock::now()) {
    if (!sleeper_) {
        sleeper_ = [](std::chrono::milliseconds delay) {
            std::this_thread::sleep_for(delay);
            return true;
        };
    }
}

std::chrono::milliseconds RetryBudget::backoff() const {
    const int doublings = std::min(attempts_ - 1, 20);
    const auto full = std::min(kMaxBackoff, base_ * (1L << doublings));
    return std::chrono::milliseconds(long(double(full.count()) * jitterFraction()));
}

bool RetryBudget::retry(std::optional<int> retryAfterSeconds) {
    if (attempts_ >= maxAttempts_)
        return false;
    const auto delay = retryAfterSeconds && *retryAfterSeconds > 0
                           ? std::chrono::milliseconds(long(*retryAfterSeconds) * 1000)
                           : backoff();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start_);
    if (elapsed + delay > maxTime_)
        return false;
    if (!sleeper_(delay))
        return false;
    ++attempts_;
    return true;
}

void RetryBudget::restart() {
    attempts_ = 1;
    start_ = std::chrono::steady_clock::now();
}

}  // namespace at
