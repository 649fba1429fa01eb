// Durable event storage of atd: one append-only multi-member gzip file per domain and UTC
// hour, plus a per-day index, so status never inflates and a download is stored bytes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "at/Time.h"

namespace atd {

inline constexpr const char* kAccountDomain = "account";

struct HourStat {
    uint64_t count = 0;
    uint64_t size = 0;         // inflated bytes, '\n' after every event
    uint64_t gzipSize = 0;     // stored bytes
    int64_t newestMicros = 0;  // the newest eventTime: what a file's mtime comes from
};

struct DayStat {
    at::Date date;
    uint64_t count = 0;
    uint64_t size = 0;
    uint64_t gzipSize = 0;
    int64_t newestMicros = 0;
    std::array<HourStat, 24> hours{};
};

// The first `length` bytes of one stored file (path relative to the data folder).
struct Segment {
    std::string file;
    uint64_t length = 0;
};

// What a session pins: the exact bytes its download will send, in order.
struct Snapshot {
    std::vector<Segment> segments;
    uint64_t count = 0;
    uint64_t size = 0;
    uint64_t gzipSize = 0;
};

struct DeleteStats {
    uint64_t count = 0;
    uint64_t bytes = 0;  // stored gzip bytes freed
};

// One UTC hour's events in stored form: compact JSON lines ('\n' after each) sorted by eventTime,
// every eventTime inside `hour`. What ingest builds from a batch, and what the demo generator
// hands to ingestSorted directly.
struct HourLines {
    at::HourStamp hour;
    std::string lines;
    uint64_t count = 0;
    int64_t minEventTimeMicros = 0;
    int64_t maxEventTimeMicros = 0;
};

// A bad ingest line: nothing of the batch was stored.
class IngestError : public std::runtime_error {
  public:
    IngestError(uint64_t line, const std::string& why)
        : std::runtime_error("line " + std::to_string(line) + ": " + why), line_(line) {}
    uint64_t line() const { return line_; }

  private:
    uint64_t line_;
};

// Thread-safe. Domains are kAccountDomain or a space GUID ([A-Za-z0-9-]+).
// Errors: std::invalid_argument for a bad domain, hour or retention; std::runtime_error with one
// line naming the file for I/O failures (an ingest that fails that way is rolled back). Only one
// Store at a time may open a data folder (flock on DATA/events/.lock); a second one throws.
class Store {
  public:
    // Opens (creating if needed) the store in dataDir/events and rolls back an ingest that a
    // crash interrupted, so every batch is there whole or not at all.
    explicit Store(std::filesystem::path dataDir);
    ~Store();

    // Days with at least one event, ascending, within the optional bounds.
    std::vector<DayStat> status(const std::string& domain, std::optional<at::Date> start,
                                std::optional<at::Date> end) const;

    // Validates every line first (a JSON object with string "id" and a parseable "eventTime"),
    // then stores all of them durably (fsync) or throws IngestError and stores none.
    // Returns the number of events stored. Events are kept sorted by eventTime within an hour.
    uint64_t ingest(const std::string& domain, std::string_view jsonLines);

    // Bulk path for already prepared hours (the demo generator): same files, index, atomicity and
    // ordering as ingest, without parsing the lines again. Throws std::invalid_argument when an
    // hour's bounds do not fit its HourStamp.
    uint64_t ingestSorted(const std::string& domain, const std::vector<HourLines>& hours);

    // Bulk loading into a new data folder (the demo generator): until finishBulkLoad, commits
    // skip the per-batch fsyncs and the undo journal (readers still see whole batches);
    // finishBulkLoad makes everything durable with one syncfs. A crash in between may leave a
    // partial load, so only use it for data that can be generated again.
    void beginBulkLoad();
    void finishBulkLoad();

    // Pins the current bytes of [start, end] (each day whole, or only `hour` of each day) and
    // takes a reference on every file it names, so later ingests/deletes never change them.
    Snapshot pin(const std::string& domain, at::Date start, at::Date end, std::optional<int> hour);
    // Re-takes the references of a snapshot loaded from disk (sessions surviving a restart).
    void retain(const Snapshot& snapshot);
    // Drops the references; files no longer current nor referenced are removed.
    void release(const Snapshot& snapshot);

    // Removes stored files that are neither current nor referenced by a snapshot, and leftovers
    // of interrupted writes. The service calls it at startup, after retaining restored sessions.
    void collectGarbage();

    // Absolute path of a segment's file, for streaming it.
    std::filesystem::path pathOf(const Segment& segment) const;

    DeleteStats deleteRange(const std::string& domain, at::Date start, at::Date end,
                            std::optional<int> hour);

    // Retention in days (0 = forever), persisted per domain; setting it applies it at once.
    int retention(const std::string& domain) const;
    void setRetention(const std::string& domain, int days);
    // Drops days older than today - retention, for every domain.
    DeleteStats applyRetention();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atd
