// The HTTP layer over libcurl: a pool of easy handles (so connections are reused across
// calls and threads), the settings every request shares, and one plain exchange.
// Retries live above this layer (RetryBudget, Client); this one reports what happened.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "at/Client.h"

namespace at {

struct HttpRequest {
    std::string method;  // GET, POST, PUT, DELETE
    std::string target;  // path and query: "/v3/events?start=2017-07-25", or a whole URL
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::string contentType;  // set with a body
};

struct HttpReply {
    long status = 0;
    std::string body;
    std::optional<int> retryAfterSeconds;
};

// A request that failed below HTTP (connect, TLS, reset, stall). `sent` is false when the
// request never reached the server, which makes even a non-idempotent call safe to retry.
struct TransportFailure {
    CURLcode code = CURLE_OK;
    bool sent = true;
    bool stalled = false;
    bool retryable = true;  // false for TLS verification and malformed URLs: retrying won't help
    std::string message;
};

class TransportError : public std::exception {
  public:
    explicit TransportError(TransportFailure failure) : failure_(std::move(failure)) {}
    const char* what() const noexcept override { return failure_.message.c_str(); }
    const TransportFailure& failure() const { return failure_; }

  private:
    TransportFailure failure_;
};

// Aborts a transfer when no byte moved for stallTimeoutMs (libcurl's LOW_SPEED_TIME only
// has one-second resolution), or when fewer than the rate floor's bytes moved in a window of
// minRateWindowMs (a drip). Installed as the XFERINFO callback.
class StallGuard {
  public:
    explicit StallGuard(const ClientOptions& options);
    void install(CURL* curl);
    void touch() { last_ = std::chrono::steady_clock::now(); }
    // The transfer waited this long for the reader (a full ring): not the network's time.
    void waitedForReader(std::chrono::steady_clock::duration d) {
        for (Sample& s : samples_)
            s.at += d;
    }
    bool stalled() const { return stalled_; }
    bool tooSlow() const { return tooSlow_; }  // stalled by the rate floor, not by silence
    std::string why() const;
    // Also abort (without calling it a stall) once *flag turns true: a reader that closed.
    void abortWhen(const std::atomic<bool>* flag) { abort_ = flag; }

  private:
    static int onProgress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                          curl_off_t ulnow);
    std::chrono::milliseconds limit_;
    long minRate_;  // bytes per second
    std::chrono::milliseconds minRateWindow_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
    struct Sample {
        std::chrono::steady_clock::time_point at;
        curl_off_t moved;
    };
    // Bytes moved over the last window (one sample at or before its start, a few after):
    // a drip is caught one window after it starts, however fast the bytes before it came.
    std::deque<Sample> samples_;
    curl_off_t seen_ = -1;
    bool stalled_ = false;
    bool tooSlow_ = false;
    const std::atomic<bool>* abort_ = nullptr;
};

class CurlPool;

// An easy handle on loan from the pool; returned (with its live connection) on destruction.
class CurlLease {
  public:
    CurlLease(CurlPool* pool, CURL* curl) : pool_(pool), curl_(curl) {}
    CurlLease(CurlLease&& other) noexcept;
    CurlLease& operator=(CurlLease&&) = delete;
    ~CurlLease();
    CURL* get() const { return curl_; }

  private:
    CurlPool* pool_;
    CURL* curl_;
};

class CurlPool {
  public:
    CurlPool() = default;
    ~CurlPool();
    CurlPool(const CurlPool&) = delete;
    CurlPool& operator=(const CurlPool&) = delete;
    CurlLease acquire();
    void release(CURL* curl);

  private:
    std::mutex mutex_;
    std::vector<CURL*> idle_;
};

// Header list owned by RAII.
struct CurlHeaders {
    curl_slist* list = nullptr;
    CurlHeaders() = default;
    CurlHeaders(const CurlHeaders&) = delete;
    CurlHeaders& operator=(const CurlHeaders&) = delete;
    ~CurlHeaders() { curl_slist_free_all(list); }
    void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

class Http {
  public:
    explicit Http(const ClientOptions& options);
    ~Http();  // wipes its copy of the API key
    Http(const Http&) = delete;
    Http& operator=(const Http&) = delete;

    const ClientOptions& options() const { return options_; }
    CurlLease acquire() { return pool_.acquire(); }

    // URL, TLS, timeouts, User-Agent, NOSIGNAL: what every request on `curl` shares.
    void configure(CURL* curl, const std::string& target) const;

    // One request, the whole reply in memory (JSON calls only; downloads stream).
    // Throws TransportError when no HTTP reply came back.
    HttpReply exchange(const HttpRequest& request);

    // Classifies a failed curl_easy_perform on `curl`.
    static TransportFailure failureOf(CURL* curl, CURLcode code, const StallGuard& guard,
                                      const char* errorBuffer);

  private:
    ClientOptions options_;
    CurlPool pool_;
};

// "Retry-After: 5" → 5; HTTP-date forms are not used by the service and are ignored.
std::optional<int> parseRetryAfter(const std::string& value);

// Percent-encodes everything but RFC 3986 unreserved characters (for path segments).
std::string urlEncode(const std::string& text);
// The same, appended to `out` (which may have room reserved for it: a secret stays in one buffer).
void appendUrlEncoded(std::string& out, std::string_view text);

}  // namespace at
