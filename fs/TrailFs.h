// The filesystem without FUSE: lookup/getattr/readdir/readlink/open/read/release over
// inode numbers, returning errno. Ops.cpp translates the kernel's requests to these calls;
// tests call them directly over a MemoryBackend.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "Backend.h"
#include "ErrnoMap.h"
#include "FileStream.h"
#include "InodeTable.h"
#include "LiveFile.h"
#include "MemoryBudget.h"
#include "MetadataCache.h"
#include "ObservedBackend.h"
#include "ReadStatus.h"
#include "ReadWatch.h"
#include "Stats.h"
#include "read/HourCache.h"
#include "read/InflatePool.h"
#include "read/ReadEngine.h"
#include "session/LiveSessions.h"
#include "session/SessionGate.h"

namespace atfs {

struct FsOptions {
    int maxSessionsPerDomain = 8;               // below the service's 30 per space, leaving room
    uint64_t memoryBudget = 256ull << 20;       // all read windows together
    std::chrono::milliseconds cacheTtl{30000};  // space list, day index, past files' attrs
    std::chrono::milliseconds todayTtl{2000};   // anything that includes today
    std::chrono::milliseconds gateTimeout{120000};
    std::chrono::milliseconds limitRetryBudget{60000};
    std::chrono::milliseconds budgetTimeout{10000};  // then read on without a window
    size_t windowBytes = 4 << 20;
    uint64_t skipAhead = 16 << 20;
    std::chrono::milliseconds failureEcho{1000};  // StreamContext::failureEcho
    // Failed session deletes are retried from this delay (doubling up to 30 s); unmount keeps
    // retrying what is left for at most unmountDeleteTimeout.
    std::chrono::milliseconds deleteRetry{1000};
    std::chrono::milliseconds unmountDeleteTimeout{20000};
    // The read engine (fs/read): past files are fetched by hour, inflated on `inflateThreads`
    // (0: one per CPU), and kept in the disk cache at cacheDir up to cacheBytes. The mount
    // turns the disk cache on (-o cache); tests turn it on with a folder of their own.
    bool readEngine = true;
    bool diskCache = false;
    std::string cacheDir;
    uint64_t cacheBytes = 2048ull << 20;
    unsigned inflateThreads = 0;
    // -o sequential=stream: a reader from 0 reads on FileStream until its first far seek.
    bool streamFromStart = false;
    // Per sequential reader, drawn from memoryBudget: two or three of the 1 GB day's ~12 MB
    // members in flight keep two cores busy; more only raises RSS (64 MiB: 251 MB for one cat).
    uint64_t lookAheadBytes = 32ull << 20;
    std::string tag;             // "atfs host=H pid=P mnt=M"
    std::string accountProject;  // X-Auth-Project-Id for account calls; empty: the first space
    std::function<at::Date()> today = [] { return at::Date::todayUtc(); };
    // The first hour still open to new events (an HourStamp index). Today's hours before it
    // are over and read like past days: page cache, read engine, disk cache. Late events can
    // still change them, as they can a past day: the kernel drops a file's pages when its
    // size or mtime changes (auto_inval_data), and the disk cache is keyed by hour status.
    // kIngestLag keeps an hour open a while after it ends: events stamped 05:59 are still
    // being ingested at 06:00.
    static constexpr int64_t kIngestLag = 300;  // seconds
    std::function<int64_t()> openHour = [] {
        return (int64_t(std::time(nullptr)) - kIngestLag) / 3600;
    };
};

struct Attr {
    uint64_t ino = 0;
    mode_t mode = 0;
    uint64_t size = 0;
    uint32_t nlink = 1;
    int64_t mtime = 0;
    double ttl = 0;  // seconds the kernel may cache it
    // A past day's folder: its listing is as immutable as its files, so the kernel may
    // keep it across opendir (revalidated by mtime), and a warm `ls -lR` stays in the kernel.
    bool cacheListing = false;
};

struct DirEntry {
    std::string name;
    uint64_t ino;
    mode_t mode;
};

struct OpenResult {
    uint64_t fh = 0;
    bool directIo = false;   // length may change (today) or is unknown: bypass the page cache
    bool keepCache = false;  // immutable past data: keep pages across opens
};

class TrailFs {
  public:
    TrailFs(Backend& backend, FsOptions options);
    ~TrailFs();

    // All return 0 or a positive errno.
    int lookup(uint64_t parent, const std::string& name, Attr& out);
    int getattr(uint64_t ino, Attr& out);
    // Lookup counts: lookup() takes one; a readdirplus entry sent to the kernel takes one
    // (retain); the kernel's forget gives them back, and at zero the inode is freed.
    void retain(uint64_t ino);
    void forget(uint64_t ino, uint64_t lookups);
    size_t inodeCount() const { return inodes_.size(); }
    uint64_t lookupsOf(uint64_t ino) const { return inodes_.lookups(ino); }
    int readdir(uint64_t ino, std::vector<DirEntry>& out);
    int readlink(uint64_t ino, std::string& out);
    int open(uint64_t ino, int flags, OpenResult& out);
    // Bytes read or -errno.
    ssize_t read(uint64_t fh, uint64_t offset, size_t n, char* buf,
                 const FileStream::Cancelled& cancelled = {});
    void release(uint64_t fh);
    // From any thread: the reader of fh is gone (its read was interrupted); the read in
    // progress ends its download and returns -EINTR.
    void abandon(uint64_t fh);

    void flushCaches();
    // Unmount: close every stream and delete every session still live.
    void shutdown();
    // Called (from any thread) when a file's length turned out different from st_size.
    void setInvalidator(std::function<void(uint64_t ino)> f) { invalidate_ = std::move(f); }

    double negativeTtl() const { return 1.0; }
    Stats& stats() { return stats_; }
    uint64_t memoryUsed() const { return budget_.used(); }
    LiveSessions& live() { return live_; }
    ReadWatch& readWatch() { return watch_; }  // Ops tells it who opens and reads
    const FsOptions& options() const { return options_; }

  private:
    struct OpenFile;
    int childOf(const Node& dir, const std::string& name, std::shared_ptr<const Node>& out);
    int domainChild(const Node& dir, const std::string& name, std::shared_ptr<const Node>& out);
    int checkDomainAccess(const Node& node);
    int accountDomain(at::Domain& out);
    int fillAttr(const Node& node, Attr& out);
    // The by-date/ view (PartitionTree.cpp).
    int partitionDomain(const std::string& key, at::Domain& out);
    int partitionChild(const Node& dir, const std::string& name, std::shared_ptr<const Node>& out);
    int partitionListing(const Node& dir, const std::function<void(const std::string&, Node)>& put);
    // forReading: plan today's sessions without trusting the (possibly stale) index.
    int fileLayout(const Node& node, std::vector<Segment>& plan, bool& known, bool& growing,
                   bool forReading = false);
    std::shared_ptr<const Node> add(const Node& dir, const std::string& name, Node node);
    std::string renderControl(ControlKind kind);
    ReadStatus readStatus() const;
    std::unique_ptr<LiveFile> openLive(const Node& node, std::vector<Segment> plan);
    ssize_t readLive(OpenFile& file, uint64_t offset, size_t n, char* buf,
                     const FileStream::Cancelled& cancelled);
    // A file beside the engine read from 0 on: its FileStream's answer, or nullopt once the
    // reader went elsewhere (the stream is closed then, and the engine serves the file).
    std::optional<ssize_t> readStreaming(OpenFile& file, uint64_t offset, size_t n, char* buf,
                                         const FileStream::Cancelled& cancelled);
    // Runs a metadata call; a service error becomes one log line and its errno.
    template <class F>
    int guarded(const std::string& what, const std::string& file, F&& f) {
        try {
            return f();
        } catch (const at::ApiError& e) {
            stats_.errors++;
            return reportError(what, file.empty() ? "/" : file, "", e);
        }
    }

    Backend& backend_;
    FsOptions options_;
    Stats stats_;
    ObservedBackend observed_{backend_, stats_};  // every call below goes through it
    LiveSessions live_;
    SessionGate gate_;
    MemoryBudget budget_;
    MetadataCache cache_;
    InodeTable inodes_;
    SessionReaper reaper_{observed_, live_, stats_, ReaperTiming{options_.deleteRetry}};
    LeaseContext leaseCtx_;
    StreamContext streamCtx_;
    std::unique_ptr<read::HourCache> hourCache_;  // nullptr: off, or its folder was refused
    read::InflatePool pool_;
    read::EngineContext engineCtx_;
    std::function<void(uint64_t)> invalidate_;
    const int64_t mountTime_ = std::time(nullptr);
    std::atomic<uint64_t> freedInodes_{0};
    std::atomic<uint64_t> trimmedAt_{0};  // freedInodes_ at the last malloc_trim
    std::mutex handlesMu_;
    std::unordered_map<uint64_t, std::shared_ptr<OpenFile>> handles_;
    uint64_t nextFh_ = 1;
    // Last: its thread calls abandon(), so it stops before anything else goes.
    ReadWatch watch_{[this](uint64_t fh) { abandon(fh); }};
};

}  // namespace atfs
