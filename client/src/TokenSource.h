// API key → bearer token (UAA password grant), cached and refreshed before it expires.
// One mutex: concurrent callers needing a token wait for a single exchange.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "Http.h"

namespace at {

class TokenSource {
  public:
    explicit TokenSource(Http& http);

    // A token valid for a while yet; fetches one if none is cached or it is about to expire.
    std::string token();

    // The service refused `token` (401): forget it so the next token() fetches anew.
    void invalidate(const std::string& token);

    // Fetches now, whatever is cached (atctl login).
    void refresh();

  private:
    void fetchLocked();

    Http& http_;
    std::mutex mutex_;
    std::string token_;
    std::chrono::steady_clock::time_point refreshAt_{};
};

}  // namespace at
