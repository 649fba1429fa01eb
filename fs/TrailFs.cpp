#include "TrailFs.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <shared_mutex>

#include "ControlFiles.h"
#include "DataTimes.h"
#include "ErrnoMap.h"
#include "Log.h"
#include "Metrics.h"

namespace atfs {

struct TrailFs::OpenFile {
    uint64_t ino = 0;
    std::unique_ptr<read::ReadEngine> engine;  // data files of the past, hour map known
    // Data files of the past without an hour map; and, beside the engine, the path of a reader
    // that starts at 0 and reads on (`streaming`) until its first far seek.
    std::unique_ptr<FileStream> stream;
    std::mutex modeMu;
    bool streaming = false;  // reads near the stream's position go to it
    bool anyRead = false;
    uint64_t streamEnd = 0;          // past the last byte the stream returned
    std::shared_mutex streamMu;      // stream reads share it; the switch to the engine takes it
    bool streamClosed = false;       // under streamMu, exclusive
    std::unique_ptr<LiveFile> live;  // data files that include today: they grow
    std::string content;             // control files: a snapshot taken at open
};

namespace {
bool isPartitionDir(NodeKind k) {
    return k == NodeKind::PartitionRoot || k == NodeKind::PartitionDomain ||
           k == NodeKind::PartitionDay || k == NodeKind::PartitionHour;
}

double seconds(std::chrono::milliseconds ms) {
    return double(ms.count()) / 1000.0;
}

}  // namespace

TrailFs::TrailFs(Backend& backend, FsOptions options)
    : backend_(backend),
      options_(std::move(options)),
      gate_(options_.maxSessionsPerDomain),
      budget_(options_.memoryBudget),
      cache_(observed_, options_.cacheTtl, options_.todayTtl),
      leaseCtx_{observed_,
                gate_,
                live_,
                reaper_,
                stats_,
                options_.gateTimeout,
                options_.limitRetryBudget,
                options_.tag},
      streamCtx_{observed_, leaseCtx_, budget_, stats_},
      pool_(options_.inflateThreads),
      engineCtx_{streamCtx_, pool_, nullptr, options_.lookAheadBytes} {
    streamCtx_.budgetTimeout = options_.budgetTimeout;
    streamCtx_.windowBytes = options_.windowBytes;
    streamCtx_.skipAhead = options_.skipAhead;
    streamCtx_.failureEcho = options_.failureEcho;
    if (options_.diskCache) {
        std::string whyNot;
        hourCache_ = read::HourCache::open(options_.cacheDir, options_.cacheBytes, whyNot);
        if (!hourCache_)
            logLine(whyNot + "; reading on without a disk cache");
        engineCtx_.cache = hourCache_.get();
    }
}

TrailFs::~TrailFs() {
    shutdown();
}

std::shared_ptr<const Node> TrailFs::add(const Node& dir, const std::string& name, Node node) {
    node.path = dir.path.empty() ? name : dir.path + "/" + name;
    return inodes_.resolve(dir.ino, name, node);
}

int TrailFs::accountDomain(at::Domain& out) {
    auto spaces = cache_.spaces();
    if (!spaces->accountAccess)
        return EACCES;
    out.accountLevel = true;
    out.projectId = options_.accountProject;
    if (out.projectId.empty()) {
        if (spaces->spaces.empty())
            return EACCES;
        out.projectId = spaces->spaces.front().guid;
    }
    return 0;
}

int TrailFs::checkDomainAccess(const Node& node) {
    if (!node.domain.accountLevel)
        return 0;
    return cache_.spaces()->accountAccess ? 0 : EACCES;
}

int TrailFs::lookup(uint64_t parent, const std::string& name, Attr& out) {
    auto dir = inodes_.get(parent);
    if (!dir)
        return ENOENT;
    if (!dir->isDir())
        return ENOTDIR;
    return guarded("lookup", dir->path + "/" + name, [&] {
        std::shared_ptr<const Node> child;
        if (int err = childOf(*dir, name, child))
            return err;
        if (int err = fillAttr(*child, out))
            return err;
        inodes_.retain(child->ino);  // the kernel holds it until its forget
        return 0;
    });
}

void TrailFs::retain(uint64_t ino) {
    inodes_.retain(ino);
}

void TrailFs::forget(uint64_t ino, uint64_t lookups) {
    // The nodes were allocated by many worker threads, in as many malloc arenas, between
    // longer-lived allocations: freed, they stay in the process (RSS 13 -> 72 MB after
    // 100,000 range lookups and their forgets) until malloc_trim returns the free pages.
    // Trimmed every kTrimEvery frees, and sooner once the table is back to a few nodes
    // (the end of a burst), but never for every forget of a quiet mount.
    constexpr uint64_t kTrimEvery = 8192, kTrimSmall = 1024;
    constexpr size_t kFewNodes = 256;
    if (!inodes_.forget(ino, lookups))
        return;
    const uint64_t freed = ++freedInodes_;
    const uint64_t since = freed - trimmedAt_.load();
    if (since >= kTrimEvery || (since >= kTrimSmall && inodes_.size() < kFewNodes)) {
        trimmedAt_ = freed;
        malloc_trim(0);
    }
}

int TrailFs::fileLayout(const Node& node, std::vector<Segment>& plan, bool& known, bool& growing,
                        bool forReading) {
    const at::Date today = options_.today();
    auto index = cache_.index(node.domain, today);
    known = sizesKnown(*index, node.file.span);
    growing = node.file.span.last >= options_.openHour();
    if (forReading && growing && node.file.span.firstDay() <= today) {
        // The index may be a moment old: plan today's hours as if each had events, so
        // events that arrived since are read too (an empty hour costs one empty session).
        DayIndex withToday = *index;
        at::DayStatus& day = withToday[today.days()];
        day.date = today;
        day.count = std::max<uint64_t>(day.count, 1);
        for (int h = 0; h < 24; ++h) {
            auto has = [h](const at::HourStatus& s) { return s.hour == h; };
            if (std::find_if(day.hours.begin(), day.hours.end(), has) == day.hours.end())
                day.hours.push_back(at::HourStatus{h, 1, 0, 0, 0});
        }
        plan = planSegments(withToday, node.file.span);
        return 0;
    }
    plan = planSegments(*index, node.file.span);
    return 0;
}

int TrailFs::fillAttr(const Node& node, Attr& out) {
    out = Attr{};
    out.ino = node.ino;
    // Folders above the domains hold no data of their own: the mount's start dates them.
    out.mtime = mountTime_;
    out.ttl = seconds(options_.cacheTtl);
    if (node.isDir()) {
        out.mode = S_IFDIR | 0555;
        out.nlink = 2;
        // Listings of domain folders change as today's events arrive; a past day's hours
        // do not, and its mtime (its newest event) stays put so the kernel's cached listing
        // survives revalidation.
        const bool domainDir = node.kind == NodeKind::AccountDir ||
                               node.kind == NodeKind::SpaceDir || node.kind == NodeKind::DayDir;
        if (domainDir && checkDomainAccess(node) == 0) {
            // Best effort: a folder stays reachable while the service fails (its listing
            // reports the error), dated by the mount's start until the index comes back.
            try {
                auto index = cache_.index(node.domain, options_.today());
                out.mtime = node.kind == NodeKind::DayDir
                                ? newestInSpan(*index, HourSpan::ofDay(node.day))
                                : newestInDomain(*index, mountTime_);
            } catch (const at::ApiError&) {
            }
        }
        if (node.kind == NodeKind::DayDir && node.day < options_.today())
            out.cacheListing = true;
        else if (domainDir || isPartitionDir(node.kind))
            out.ttl = seconds(options_.todayTtl);
        return 0;
    }
    if (node.kind == NodeKind::DayLink) {
        out.mode = S_IFLNK | 0777;
        out.size = dayFileName(options_.today(), Format::Json).size();
        out.ttl = seconds(options_.todayTtl);
        if (checkDomainAccess(node) == 0)
            out.mtime = newestInSpan(*cache_.index(node.domain, options_.today()),
                                     HourSpan::ofDay(options_.today().plusDays(node.dayOffset)));
        return 0;
    }
    if (node.kind == NodeKind::ControlFile) {
        out.mode = S_IFREG | 0444;
        out.mtime = std::time(nullptr);  // generated at open: they are the clock's
        out.ttl = 0;                     // generated at open, read with direct I/O
        return 0;
    }
    if (int err = checkDomainAccess(node))
        return err;
    std::vector<Segment> plan;
    bool known = true, growing = false;
    fileLayout(node, plan, known, growing);
    out.mode = S_IFREG | 0444;
    out.size = known ? plannedSize(plan, node.file.format) : 0;
    if (auto observed = inodes_.observedSize(node.ino)) {
        out.size = (growing && known) ? std::max(out.size, *observed) : *observed;
    }
    out.mtime = newestInSpan(*cache_.index(node.domain, options_.today()), node.file.span);
    // Today's finished hours may still get late events: their sizes are refreshed as often
    // as the growing files'.
    if (growing || !(node.file.span.lastDay() < options_.today()))
        out.ttl = seconds(options_.todayTtl);
    return 0;
}

int TrailFs::getattr(uint64_t ino, Attr& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    return guarded("getattr", node->path, [&] { return fillAttr(*node, out); });
}

int TrailFs::readlink(uint64_t ino, std::string& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    if (node->kind != NodeKind::DayLink)
        return EINVAL;
    out = dayFileName(options_.today().plusDays(node->dayOffset), Format::Json);
    return 0;
}

int TrailFs::open(uint64_t ino, int flags, OpenResult& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_CREAT)))
        return EROFS;
    if (node->isDir())
        return EISDIR;
    auto file = std::make_shared<OpenFile>();
    file->ino = ino;
    out = OpenResult{};
    if (node->kind == NodeKind::ControlFile) {
        file->content = renderControl(node->control);
        out.directIo = true;
    } else if (node->kind == NodeKind::DataFile) {
        int err = guarded("open", node->path, [&] {
            if (int e = checkDomainAccess(*node))
                return e;
            std::vector<Segment> plan;
            bool known = true, growing = false;
            fileLayout(*node, plan, known, growing, true);
            // No session here: `open` alone (file managers, find -newer) costs nothing.
            out.directIo = growing || !known;
            out.keepCache = !out.directIo;
            stats_.filesOpened++;
            if (growing) {
                file->live = openLive(*node, std::move(plan));
                return 0;
            }
            if (options_.readEngine && known) {
                auto index = cache_.index(node->domain, options_.today());
                file->engine = read::ReadEngine::open(engineCtx_, node->domain, node->path, plan,
                                                      *index, node->file.format);
                if (file->engine && options_.streamFromStart && !file->engine->allCached()) {
                    // One download inflated straight into the replies is the fastest way
                    // front to back (cat, grep: the engine's blocks cost a copy more and
                    // ~6x the memory), so a reader from 0 streams until it seeks far; a
                    // file whose hours are all on disk needs no session at all.
                    file->stream = std::make_unique<FileStream>(
                        streamCtx_, node->domain, node->path, plan, node->file.format, true);
                    file->streaming = true;
                }
                if (file->engine)
                    return 0;
            }
            file->stream = std::make_unique<FileStream>(streamCtx_, node->domain, node->path,
                                                        std::move(plan), node->file.format,
                                                        /*kernelCaches=*/!out.directIo);
            return 0;
        });
        if (err)
            return err;
    } else {
        return EINVAL;
    }
    std::lock_guard lk(handlesMu_);
    out.fh = nextFh_++;
    handles_[out.fh] = file;
    return 0;
}

ssize_t TrailFs::read(uint64_t fh, uint64_t offset, size_t n, char* buf,
                      const FileStream::Cancelled& cancelled) {
    std::shared_ptr<OpenFile> file;
    {
        std::lock_guard lk(handlesMu_);
        auto it = handles_.find(fh);
        if (it == handles_.end())
            return -EBADF;
        file = it->second;
    }
    if (file->live)
        return readLive(*file, offset, n, buf, cancelled);
    if (file->engine) {
        const auto started = std::chrono::steady_clock::now();
        if (file->stream) {
            if (auto r = readStreaming(*file, offset, n, buf, cancelled)) {
                stats_.readSeconds.observe(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count());
                if (*r > 0)
                    stats_.bytesOut += uint64_t(*r);
                return *r;
            }
        }
        const ssize_t r = file->engine->read(offset, buf, n, cancelled);
        stats_.readSeconds.observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        if (r > 0)
            stats_.bytesOut += uint64_t(r);
        return r;
    }
    if (!file->stream) {
        if (offset >= file->content.size())
            return 0;
        const size_t take = std::min<uint64_t>(n, file->content.size() - offset);
        std::memcpy(buf, file->content.data() + offset, take);
        return ssize_t(take);
    }
    const auto started = std::chrono::steady_clock::now();
    const ssize_t r = file->stream->read(offset, buf, n, cancelled);
    stats_.readSeconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (r > 0)
        stats_.bytesOut += uint64_t(r);
    if (auto size = file->stream->takeSizeChange()) {
        // The service's snapshot differs from st_size (today grew): tell the kernel.
        inodes_.setObservedSize(file->ino, *size);
        if (invalidate_)
            invalidate_(file->ino);
    }
    return r;
}

void TrailFs::abandon(uint64_t fh) {
    std::shared_ptr<OpenFile> file;
    {
        std::lock_guard lk(handlesMu_);
        auto it = handles_.find(fh);
        if (it == handles_.end())
            return;
        file = it->second;
    }
    if (file->engine)
        file->engine->abandon();
    if (file->stream)
        file->stream->abandon();
}

void TrailFs::release(uint64_t fh) {
    std::shared_ptr<OpenFile> file;
    {
        std::lock_guard lk(handlesMu_);
        auto it = handles_.find(fh);
        if (it == handles_.end())
            return;
        file = std::move(it->second);
        handles_.erase(it);
    }
    if (file->engine) {
        file->engine->abandon();  // fetches still running stop now, not at their end
        file->engine->close();
    }
    if (file->stream) {
        file->stream->abandon();  // a download still running stops now, not at its end
        file->stream->close();
    }
    if (file->live)
        file->live->close();
}

std::optional<ssize_t> TrailFs::readStreaming(OpenFile& file, uint64_t offset, size_t n, char* buf,
                                              const FileStream::Cancelled& cancelled) {
    bool toEngine = false;
    {
        std::lock_guard lk(file.modeMu);
        if (!file.streaming)
            return std::nullopt;
        // The kernel's readahead arrives a little out of order, and FileStream serves
        // backward reads within its window and forward ones within skipAhead by reading on.
        const bool near = file.anyRead ? offset + options_.windowBytes >= file.streamEnd &&
                                             offset <= file.streamEnd + options_.skipAhead
                                       : offset == 0;
        if (near)
            file.anyRead = true;
        else
            file.streaming = false;
        toEngine = !near;
    }
    if (toEngine) {
        // Its session goes to the reaper first: the engine's lease takes the slot.
        std::unique_lock w(file.streamMu);
        file.stream->close();
        file.streamClosed = true;
        return std::nullopt;
    }
    std::shared_lock r(file.streamMu);
    if (file.streamClosed)
        return std::nullopt;
    const ssize_t got = file.stream->read(offset, buf, n, cancelled);
    if (got > 0) {
        std::lock_guard lk(file.modeMu);
        file.streamEnd = std::max(file.streamEnd, offset + uint64_t(got));
    }
    return got;
}

std::unique_ptr<LiveFile> TrailFs::openLive(const Node& node, std::vector<Segment> plan) {
    const at::Domain domain = node.domain;
    return std::make_unique<LiveFile>(
        streamCtx_, node.domain, node.path, node.file.span, node.file.format, std::move(plan),
        [this, domain] { return cache_.index(domain, options_.today()); });
}

ssize_t TrailFs::readLive(OpenFile& file, uint64_t offset, size_t n, char* buf,
                          const FileStream::Cancelled& cancelled) {
    const ssize_t r = file.live->read(offset, buf, n, cancelled);
    if (r > 0)
        stats_.bytesOut += uint64_t(r);
    if (auto size = file.live->takeSizeChange()) {
        inodes_.setObservedSize(file.ino, *size);
        if (invalidate_)
            invalidate_(file.ino);
    }
    return r;
}

void TrailFs::flushCaches() {
    cache_.flush();
}

void TrailFs::shutdown() {
    std::unordered_map<uint64_t, std::shared_ptr<OpenFile>> open;
    {
        std::lock_guard lk(handlesMu_);
        open.swap(handles_);
    }
    for (auto& [fh, file] : open) {
        if (file->engine) {
            file->engine->abandon();
            file->engine->close();
        }
        if (file->stream)
            file->stream->close();
        if (file->live)
            file->live->close();
    }
    // What is still live: sessions of streams inside a read, and deletes that failed earlier.
    reaper_.drain(options_.unmountDeleteTimeout);
}

ReadStatus TrailFs::readStatus() const {
    ReadStatus r;
    if (hourCache_) {
        r.diskCache = true;
        r.cacheDir = hourCache_->dir().string();
        r.cacheMaxBytes = options_.cacheBytes;
        r.cache = hourCache_->counters();
    }
    r.inflateThreads = pool_.threads();
    r.engine = read::engineCounters();
    return r;
}

std::string TrailFs::renderControl(ControlKind kind) {
    switch (kind) {
        case ControlKind::Sessions:
            return renderSessions(live_.snapshot());
        case ControlKind::Stats:
            return renderStats(stats_, budget_.used(), budget_.total());
        case ControlKind::Metrics:
            return renderMetrics({stats_, budget_.used(), budget_.total(),
                                  options_.maxSessionsPerDomain, live_.snapshot(), readStatus()});
        case ControlKind::Status: {
            std::shared_ptr<const at::SpaceList> spaces;
            try {
                spaces = cache_.spaces();
            } catch (const at::ApiError& e) {
                reportError("status", ".atfs/status.json", "", e);
            }
            return renderStatus(backend_.endpoint(), spaces.get(), cache_.state(),
                                options_.maxSessionsPerDomain, options_.tag, readStatus());
        }
    }
    return "{}\n";
}

}  // namespace atfs
