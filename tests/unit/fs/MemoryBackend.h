// An in-memory Activity Tracker for tests: events per domain and hour, stored as gzip
// members like atd does, sessions that pin a snapshot, the 30-session limit, and
// failure injection. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "Backend.h"
#include "at/Gzip.h"

namespace atfs {

class MemoryBackend : public Backend {
  public:
    struct Counters {
        int created = 0;
        int deleted = 0;
        int maxLivePerDomain = 0;  // high-water mark over all domains
        int downloads = 0;
        int rangeDownloads = 0;   // downloadRange calls that returned a stream
        uint64_t rangeBytes = 0;  // the bytes those ranges asked for
    };

    MemoryBackend();

    // Test setup.
    void setSpaces(at::SpaceList list);
    void addEvents(const std::string& domainKey, at::HourStamp hour, const std::string& jsonLines);
    // Deterministic filler: `lines` lines of about `lineBytes` each in that hour.
    void addGeneratedEvents(const std::string& domainKey, at::HourStamp hour, int lines,
                            int lineBytes, uint32_t seed);
    void setSessionLimit(int limit) { limit_ = limit; }
    // The next matching call throws this error (call: "create", "delete", "download", "range",
    // "status").
    void failNext(const std::string& call, at::ErrorKind kind, int httpStatus, int count = 1);
    // Downloads throw Network after this many bytes (0: never).
    void failDownloadsAfter(uint64_t bytes) { failAfter_ = bytes; }
    void addForeignSession(const at::Session& s);  // as if another client created it
    void setStatusDelayMs(int ms) { statusDelayMs_ = ms; }
    // Status without byte sizes (counts only), as a service that does not report them.
    void setReportSizes(bool on) { reportSizes_ = on; }
    // Status reports this hour's sizes off by these deltas (its day's totals follow), while
    // sessions and downloads keep the true bytes: a service whose bytes do not match the
    // hour map its status gives.
    void misreportHour(const std::string& domainKey, at::HourStamp hour, int64_t sizeDelta,
                       int64_t gzipSizeDelta);

    // Expected content: the inflated events / raw gzip bytes of a span, in order.
    std::string inflated(const std::string& domainKey, int64_t firstHour, int64_t lastHour) const;
    std::string rawGzip(const std::string& domainKey, int64_t firstHour, int64_t lastHour) const;

    Counters counters() const;
    std::vector<at::Session> liveSessions() const;
    int statusCalls() const { return statusCalls_; }
    int spacesCalls() const { return spacesCalls_; }

    // Backend
    at::SpaceList spaces() override;
    std::vector<at::DayStatus> status(const at::Domain& domain, std::optional<at::Date> start,
                                      std::optional<at::Date> end) override;
    at::Session createSession(const at::Domain& domain, const at::SessionRequest& req) override;
    void deleteSession(const at::Domain& domain, const std::string& id) override;
    std::vector<at::Session> listSessions(const at::Domain& domain) override;
    std::unique_ptr<at::DownloadStream> download(const at::Domain& domain, const std::string& id,
                                                 at::DownloadMode mode,
                                                 uint64_t rawOffset) override;
    std::unique_ptr<at::DownloadStream> downloadRange(const at::Domain& domain,
                                                      const std::string& id, uint64_t offset,
                                                      uint64_t length) override;
    std::string endpoint() const override { return "memory:"; }

  private:
    struct Hour {
        std::string inflated;
        std::string gzip;  // one gzip member per stored batch
    };
    struct Live {
        at::Session session;
        std::string domainKey;
        std::string inflated;
        std::string gzip;
    };
    void maybeFail(const std::string& call);
    // The concatenation of one field of every stored hour in [firstHour, lastHour].
    std::string concatHours(const std::string& domainKey, int64_t firstHour, int64_t lastHour,
                            std::string Hour::*field) const;

    mutable std::mutex mu_;
    at::SpaceList spaces_;
    std::map<std::string, std::map<int64_t, Hour>> events_;  // domain -> hour index -> data
    std::map<std::string, Live> live_;
    std::map<std::pair<std::string, int64_t>, std::pair<int64_t, int64_t>> misreported_;
    std::map<std::string, std::pair<at::ErrorKind, std::pair<int, int>>> failures_;
    Counters counters_;
    int limit_ = 30;
    int nextId_ = 1;
    std::atomic<uint64_t> failAfter_{0};
    std::atomic<int> statusDelayMs_{0};
    std::atomic<bool> reportSizes_{true};
    std::atomic<int> statusCalls_{0};
    std::atomic<int> spacesCalls_{0};
};

// gzip-compresses `data` as one member (zlib, level 1), as the service stores events; the one
// copy lives in at/Gzip.h.
using at::gzipMember;

}  // namespace atfs
