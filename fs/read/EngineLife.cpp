// An engine's life: opening (the map, or nullptr for FileStream), the fallback to FileStream,
// abandon() and close(); and the mount-wide counters.
#include <cerrno>

#include "Log.h"
#include "read/Engine.h"
#include "read/EngineStats.h"

namespace atfs::read {

EngineAtomics& engineAtomics() {
    static EngineAtomics a;
    return a;
}

EngineCounters engineCounters() {
    const EngineAtomics& a = engineAtomics();
    EngineCounters c;
    c.filesOpened = a.filesOpened;
    c.fallbacks = a.fallbacks;
    c.hoursFetched = a.hoursFetched;
    c.hoursFromCache = a.hoursFromCache;
    c.rangeBytes = a.rangeBytes;
    return c;
}

std::unique_ptr<ReadEngine> ReadEngine::open(EngineContext& ctx, at::Domain domain,
                                             std::string file, std::vector<Segment> plan,
                                             const DayIndex& index, Format format) {
    auto map = OffsetMap::build(plan, index, format);
    if (!map)
        return nullptr;
    engineAtomics().filesOpened++;
    return std::make_unique<Engine>(ctx, std::move(domain), std::move(file), std::move(plan),
                                    std::move(*map));
}

Engine::Engine(EngineContext& ctx, at::Domain domain, std::string file, std::vector<Segment> plan,
               OffsetMap map)
    : ctx_(ctx),
      domain_(std::move(domain)),
      file_(std::move(file)),
      plan_(std::move(plan)),
      map_(std::move(map)),
      source_(ctx_, domain_, file_, plan_, map_),
      hours_(map_.pieces().size()),
      memos_(map_.pieces().size()) {}

Engine::~Engine() {
    close();
}

ssize_t Engine::fallbackRead(uint64_t offset, char* buf, size_t n,
                             const FileStream::Cancelled& cancelled) {
    FileStream* fb = nullptr;
    {
        std::lock_guard lk(fbMu_);
        fb = fb_.get();
    }
    return fb ? fb->read(offset, buf, n, cancelled) : -EIO;
}

void Engine::startFallback(size_t piece, const std::string& why) {
    {
        std::lock_guard lk(fbMu_);
        if (fb_)
            return;
        const HourPiece& p = map_.pieces()[piece];
        logLine(file_ + ": hour " + at::HourStamp{p.day, p.hour}.str() +
                " does not match the service's status (" + why +
                "); reading the file "
                "sequentially from here on");
        fb_ = std::make_unique<FileStream>(ctx_.stream, domain_, file_, plan_, map_.format());
        engineAtomics().fallbacks++;
        fallback_ = true;
    }
    source_.release();
}

void Engine::abandon() {
    epoch_++;
    source_.abandon();
    {
        std::lock_guard lk(fbMu_);
        if (fb_)
            fb_->abandon();
    }
    std::lock_guard lk(mu_);
    cv_.notify_all();
}

int Engine::sessionsCreated() const {
    std::lock_guard lk(fbMu_);
    return source_.sessionsCreated() + (fb_ ? fb_->sessionsCreated() : 0);
}

void Engine::close() {
    {
        std::unique_lock lk(mu_);
        if (closed_)
            return;
        closing_ = true;
        prefetchCv_.notify_all();
    }
    source_.abandon();  // a fetch-ahead in progress stops
    if (prefetcher_.joinable())
        prefetcher_.join();
    {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return tasks_ == 0; });
    }
    storeHours(/*all=*/true);
    {
        std::lock_guard lk(mu_);
        while (!blocks_.empty())
            dropBlock(blocks_.begin());
        hours_.assign(hours_.size(), HourState{});
        memos_.assign(memos_.size(), HourMemo{});
        closed_ = true;
    }
    source_.release();
    {
        std::lock_guard lk(fbMu_);
        if (fb_)
            fb_->close();
    }
    ctx_.stream.leases.reaper.settle();
}

bool Engine::allCached() const {
    if (!ctx_.cache)
        return false;
    for (const HourPiece& p : map_.pieces())
        if (!ctx_.cache->has(source_.keyOf(p)))
            return false;
    return true;
}

}  // namespace atfs::read
