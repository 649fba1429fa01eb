// One open past data file read from anywhere: the file is a run of hour pieces (OffsetMap),
// each fetched whole with one Range request on its segment's session (or taken from the disk
// cache, with no session), checked, and inflated in parallel by the mount's InflatePool,
// ahead of a sequential reader and in order, from the nearest access point for a random one.
// The session of a segment is a SessionLease taken at the first piece that needs the network
// and released at close (or when the reader moves to another segment); the engine never
// creates or deletes a session itself. If the service's bytes ever disagree with the map
// (a session's gzip size, an hour that does not inflate to its size), the file falls back to
// the sequential FileStream with one log line: never wrong bytes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "FileStream.h"
#include "SessionPlan.h"
#include "read/EngineSizes.h"
#include "read/OffsetMap.h"

namespace atfs::read {

class HourCache;
class InflatePool;

// The mount-wide part of the engine.
struct EngineContext {
    StreamContext& stream;  // backend, leases, budget, stats; and the fallback's context
    InflatePool& pool;      // sized by -o inflate_threads
    HourCache* cache;       // nullptr with -o cache=off (or a refused folder)
    // Inflated bytes a sequential reader's pieces may hold ahead of it (drawn from the budget).
    uint64_t lookAheadBytes = 64ull << 20;
    // The longest member held whole before it is verified (see read/EngineSizes.h).
    uint64_t maxMemberBlock = sizes::kMaxMemberBlock;
    // Gzip bytes of its hours a file keeps in memory (see read/EngineSizes.h; tests lower it
    // to make hours drop and load again).
    uint64_t gzipKeptBytes = sizes::kGzipKeptBytes;
};

// Engine counters for status.json / metrics, summed over the mount (atomics in Stats would
// do as well; these live here so fs/read stays self-contained).
struct EngineCounters {
    uint64_t filesOpened = 0;   // files served by the engine
    uint64_t fallbacks = 0;     // files sent back to FileStream by a failed check
    uint64_t hoursFetched = 0;  // hours downloaded with a Range request
    uint64_t hoursFromCache = 0;
    uint64_t rangeBytes = 0;  // gzip bytes fetched by Range requests
};
EngineCounters engineCounters();

class ReadEngine {
  public:
    // nullptr when the file cannot be read this way (the map is not known: OffsetMap::build
    // gave nullopt); the caller then uses FileStream.
    static std::unique_ptr<ReadEngine> open(EngineContext& ctx, at::Domain domain, std::string file,
                                            std::vector<Segment> plan, const DayIndex& index,
                                            Format format);
    virtual ~ReadEngine() = default;

    // Bytes read (0 at the end) or -errno; callable from several threads at once (the
    // kernel sends a file's reads in parallel: readahead, mmap, pread from threads).
    virtual ssize_t read(uint64_t offset, char* buf, size_t n,
                         const FileStream::Cancelled& cancelled = {}) = 0;
    // From any thread: the reader is gone; reads in progress return -EINTR within a second.
    virtual void abandon() = 0;
    // Releases the lease (the reaper deletes the session) and every buffer.
    virtual void close() = 0;
    // Sessions this file created (0 when every hour came from the cache).
    virtual int sessionsCreated() const = 0;
    // Every hour of the file is in the disk cache now (a read would create no session).
    virtual bool allCached() const = 0;
};

}  // namespace atfs::read
