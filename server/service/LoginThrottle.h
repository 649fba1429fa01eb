// The brake on guessing API keys at the token endpoint: after a few failed logins in a window,
// from one peer or with one key, further attempts from that peer or with that key are refused
// (429 with Retry-After) until the window has room again. Other peers, and keys that never
// failed, are not slowed down.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "service/Users.h"

namespace atd {

class LoginThrottle {
  public:
    using Clock = std::chrono::steady_clock;
    struct Limits {
        int failures = 5;                 // allowed in one window, per peer and per key
        std::chrono::seconds window{60};  // how long a failure counts
        size_t maxTracked = 10000;        // peers and keys remembered, each
    };

    LoginThrottle() : LoginThrottle(Limits{}) {}
    explicit LoginThrottle(Limits limits) : limits_(limits) {}

    // Seconds to wait if `peer` or `apiKey` has used up its failures; nullopt if it may try.
    std::optional<int> retryAfter(const std::string& peer, const std::string& apiKey,
                                  Clock::time_point now = Clock::now());
    void recordFailure(const std::string& peer, const std::string& apiKey,
                       Clock::time_point now = Clock::now());
    size_t tracked();  // peers plus keys remembered now

  private:
    using Failures = std::deque<Clock::time_point>;  // oldest first, at most limits_.failures
    template <class Key>
    std::optional<int> waitFor(std::map<Key, Failures>& table, const Key& key,
                               Clock::time_point now);
    template <class Key>
    void record(std::map<Key, Failures>& table, const Key& key, Clock::time_point now);

    Limits limits_;
    std::mutex mutex_;
    std::map<std::string, Failures> byPeer_;
    std::map<KeyDigest, Failures> byKey_;  // digests only: no tried key stays in memory
};

}  // namespace atd
