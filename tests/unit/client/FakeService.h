// An in-process httplib::Server standing in for the service, for error paths atd never
// takes on purpose. Serves the token endpoint itself ("token-1", "token-2", ...); tests add
// the /v3 routes they need, then start(). Stops (and releases stalled handlers) on scope exit.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "at/Client.h"

namespace at::test {

class FakeService {
  public:
    FakeService();
    ~FakeService();
    FakeService(const FakeService&) = delete;
    FakeService& operator=(const FakeService&) = delete;

    httplib::Server& server() { return server_; }
    void start();

    // Options pointing at this server, with quick retries so tests stay short.
    ClientOptions options() const;

    int tokenCalls() const { return tokenCalls_.load(); }
    void setTokenTtlSeconds(int ttl) { tokenTtl_ = ttl; }
    // The raw JSON value the token reply carries as expires_in (a hostile service's, say).
    void setTokenExpiresInJson(std::string value) {
        std::lock_guard lock(mutex_);
        expiresInJson_ = std::move(value);
    }

    // The bearer token a request carried ("" when none).
    static std::string tokenOf(const httplib::Request& req);

    // For handlers that stall: waits until the test ends (or `limit` passes).
    void waitUntilReleased(std::chrono::milliseconds limit);

    static void replyJson(httplib::Response& res, int status, const std::string& body);
    static void replyError(httplib::Response& res, int status, const std::string& code,
                           const std::string& message);

  private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::atomic<int> tokenCalls_{0};
    std::atomic<int> tokenTtl_{3600};
    std::mutex mutex_;
    std::condition_variable released_;
    bool stopping_ = false;
    std::string expiresInJson_;  // guarded by mutex_; "" = tokenTtl_
};

}  // namespace at::test
