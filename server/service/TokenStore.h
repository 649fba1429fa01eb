// Bearer tokens handed out by the token endpoint. Only their SHA-256 is kept, so a memory
// dump or a log never holds a usable token.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "service/LoginThrottle.h"
#include "service/Users.h"

namespace atd {

struct IssuedToken {
    std::string token;  // 64 hex digits (256 random bits)
    std::string jti;    // 32 hex digits, an id safe to show
    int64_t expiresIn = 0;
};

class TokenStore {
  public:
    explicit TokenStore(std::chrono::seconds ttl) : ttl_(ttl) {}

    IssuedToken issue(const std::string& userName);
    // The user name the token was issued to, unless it is unknown or expired.
    std::optional<std::string> userOf(const std::string& token);
    // The brake on failed logins that guards issue().
    LoginThrottle& loginThrottle() { return loginThrottle_; }

  private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        std::string userName;
        Clock::time_point expires;
    };
    void dropExpiredLocked(Clock::time_point now);

    std::chrono::seconds ttl_;
    std::mutex mutex_;
    std::map<KeyDigest, Entry> byDigest_;
    LoginThrottle loginThrottle_;
};

// Hex of `bytes` cryptographically random bytes (OpenSSL RAND_bytes); throws if the RNG fails.
std::string randomHex(size_t bytes);

}  // namespace atd
