// Counters of GET /metrics, in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace atd::http {

class Metrics {
  public:
    // One finished request: its route pattern ("" when none matched), method and status.
    void countRequest(const std::string& route, const std::string& method, int status,
                      uint64_t bodyBytesSent);
    void countEventsIngested(uint64_t n) { eventsIngested_ += n; }

    // The exposition text, with the gauges and counters kept elsewhere.
    std::string render(uint64_t liveSessions, uint64_t openConnections, uint64_t headerCuts) const;

  private:
    using Key = std::tuple<std::string, std::string, int>;  // route, method, status
    mutable std::mutex mutex_;
    std::map<Key, uint64_t> requests_;
    std::atomic<uint64_t> bytesSent_{0};
    std::atomic<uint64_t> eventsIngested_{0};
};

}  // namespace atd::http
