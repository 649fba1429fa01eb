// The engine's sequential side: telling a sequential reader from a random one, inflating
// ahead of it on the pool (bounded by the look-ahead and the memory budget), fetching the
// next hour ahead on a thread of the file's own, dropping what it passed, and the cache writes.
#include <algorithm>
#include <ctime>

#include "read/Engine.h"
#include "read/EngineSizes.h"
#include "read/InflatePool.h"

namespace atfs::read {

// The look-ahead walks at most this many hours past the reader's: each needs its gzip in
// memory (sizes::kHoursKept holds them).
constexpr size_t kHoursAhead = 2;

bool Engine::noteRead(uint64_t offset, size_t n) {
    std::lock_guard lk(mu_);
    const bool seq = anyRead_ ? offset + sizes::kSequentialSlack >= nextSeq_ &&
                                    offset <= nextSeq_ + sizes::kSequentialSlack
                              : offset == 0;
    anyRead_ = true;
    nextSeq_ = offset + n;
    if (seq)
        seqPos_ = offset;
    return seq;
}

void Engine::lookAhead(uint64_t from) {
    std::lock_guard lk(mu_);
    if (closing_ || fallback_)
        return;
    const uint64_t limit = ctx_.lookAheadBytes;
    const size_t first = map_.locate(from);
    uint64_t pos = from, ahead = 0;
    while (pos < map_.size() && ahead < limit) {
        const size_t i = map_.locate(pos);
        if (i > first + kHoursAhead)
            break;
        const HourPiece& p = map_.pieces()[i];
        HourState& h = hours_[i];
        const uint64_t inHour = pos - p.fileOffset;
        if (map_.format() == Format::Json) {
            if (auto b = findBlock(i, inHour)) {  // made already: its hour is not needed
                ahead += b->end - inHour;
                pos = p.fileOffset + b->end;
                continue;
            }
        }
        if (!h.failed.empty())
            break;
        if (h.st != HourState::St::Ready) {
            if (h.st == HourState::St::Absent)
                requestPrefetch(i);
            break;
        }
        h.lastUse = ++tick_;
        if (map_.format() == Format::JsonGz) {
            ahead += p.gzipSize - inHour;
            pos = p.fileOffset + p.gzipSize;
            continue;
        }
        const auto [start, end] = intervalOf(h.splits, p.size, inHour);
        if (end - start > ctx_.maxMemberBlock && !h.indexed) {
            startIndex(i);  // cut at points once indexed
            break;
        }
        if (!freeKey(i, start))
            break;
        // Never waits: a reader whose look-ahead finds the budget spent inflates its own.
        if (!ctx_.stream.budget.acquire(end - start, std::chrono::milliseconds(0)))
            break;
        auto b = std::make_shared<Block>();
        b->piece = i;
        b->start = start;
        b->end = end;
        b->ahead = true;
        b->held = end - start;
        b->gen = h.gen;
        held_ += b->held;
        blocks_[{i, start}] = b;
        submitBlock(b, h.gz, h.index, h.gen);
        ahead += end - inHour;
        pos = p.fileOffset + end;
    }
}

void Engine::submitBlock(const std::shared_ptr<Block>& b, std::shared_ptr<const std::string> gz,
                         std::shared_ptr<HourIndex> index, uint64_t gen) {
    tasks_++;
    ctx_.pool.submit([this, b, gz = std::move(gz), index = std::move(index), gen] {
        {
            std::lock_guard lk(mu_);
            if (b->started) {  // the reader got to it first
                tasks_--;
                cv_.notify_all();
                return;
            }
            b->started = true;
        }
        std::string why;
        std::unique_ptr<char[]> data;
        const bool ok = inflateRange(*gz, index, b->start, b->end, data, why);
        std::lock_guard lk(mu_);
        b->data = std::move(data);
        finishBlock(b, gen, ok, why);
        tasks_--;
    });
}

void Engine::requestPrefetch(size_t i) {
    if (prefetchBusy_ || closing_)
        return;
    prefetchWant_ = i;
    if (!prefetcher_.joinable())
        prefetcher_ = std::thread([this] { prefetchLoop(); });
    prefetchCv_.notify_one();
}

void Engine::prefetchLoop() {
    std::unique_lock lk(mu_);
    for (;;) {
        prefetchCv_.wait(lk, [&] { return closing_ || prefetchWant_ != SIZE_MAX; });
        if (closing_)
            return;
        const size_t i = prefetchWant_;
        prefetchWant_ = SIZE_MAX;
        prefetchBusy_ = true;
        const uint64_t pos = seqPos_;
        lk.unlock();
        const Call c{nullptr, epoch_.load()};
        std::string why;
        // A mismatch is left in the hour's state: the reader that gets there falls back.
        ensureHour(i, c, why);
        lk.lock();
        prefetchBusy_ = false;
        lk.unlock();
        lookAhead(std::max(pos, seqPos_));
        lk.lock();
    }
}

void Engine::dropBlock(std::map<std::pair<size_t, uint64_t>, std::shared_ptr<Block>>::iterator it) {
    if (it->second->held)
        ctx_.stream.budget.release(it->second->held);
    held_ -= it->second->held;
    it->second->held = 0;
    blocks_.erase(it);
}

void Engine::trim() {
    std::vector<std::pair<uint64_t, decltype(blocks_)::iterator>> lru;
    for (auto it = blocks_.begin(); it != blocks_.end();) {
        const Block& b = *it->second;
        auto next = std::next(it);
        if (b.ready) {
            const uint64_t base = map_.pieces()[b.piece].fileOffset;
            const bool passed = base + b.end + sizes::kKeepBehind <= seqPos_;
            const bool farAhead = base + b.start > seqPos_ + ctx_.lookAheadBytes;
            if (b.ahead && (passed || farAhead))
                dropBlock(it);
            else if (!(b.ahead && base + b.end > seqPos_))
                lru.emplace_back(b.lastUse, it);
        }
        it = next;
    }
    if (lru.size() <= sizes::kBlockLru)
        return;
    std::sort(lru.begin(), lru.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k + sizes::kBlockLru < lru.size(); ++k)
        dropBlock(lru[k].second);
}

void Engine::queueIndexUpdate(size_t i) {
    HourState& h = hours_[i];
    if (ctx_.cache && h.inCache && h.index && h.index->pointCount() > h.pointsSaved) {
        h.pointsSaved = h.index->pointCount();
        cacheJobs_.push_back({source_.keyOf(map_.pieces()[i]), nullptr, h.index->serialize()});
    }
}

void Engine::queueMemoUpdate(size_t i) {
    HourMemo& m = memos_[i];
    if (ctx_.cache && m.inCache && m.index && m.index->pointCount() > m.pointsSaved) {
        m.pointsSaved = m.index->pointCount();
        cacheJobs_.push_back({source_.keyOf(map_.pieces()[i]), nullptr, m.index->serialize()});
    }
}

void Engine::evictHours(size_t keep) {
    size_t ready = 0;
    uint64_t bytes = 0;
    for (const HourState& h : hours_) {
        if (h.st == HourState::St::Ready) {
            ready++;
            bytes += h.gz->size();
        }
    }
    while (ready > sizes::kMinHoursKept && bytes > ctx_.gzipKeptBytes) {
        size_t victim = SIZE_MAX;
        for (size_t i = 0; i < hours_.size(); ++i) {
            const HourState& h = hours_[i];
            if (i == keep || h.st != HourState::St::Ready || h.indexing || h.toStore)
                continue;
            if (victim == SIZE_MAX || h.lastUse < hours_[victim].lastUse)
                victim = i;
        }
        if (victim == SIZE_MAX)
            return;
        bytes -= hours_[victim].gz->size();
        dropHour(victim);
        ready--;
    }
}

void Engine::dropHour(size_t i) {
    // Points learned since the cache's copy are written at close (storeHours(all)), not at
    // each drop: an index update rewrites the entry, gzip bytes and all, and a random reader
    // drops an hour at nearly every read of a big day.
    HourState& h = hours_[i];
    memos_[i] = HourMemo{h.index, h.gzCrc, h.verified, h.indexed, h.inCache, h.pointsSaved};
    const uint64_t gen = h.gen;
    std::string failed = std::move(h.failed);
    h = HourState{};
    h.gen = gen;
    h.failed = std::move(failed);
}

void Engine::dropPassedHours() {
    for (size_t i = 0; i < hours_.size(); ++i) {
        const HourState& h = hours_[i];
        const HourPiece& p = map_.pieces()[i];
        if (h.st == HourState::St::Ready && !h.indexing && !h.toStore &&
            p.fileOffset + p.length(map_.format()) + sizes::kKeepBehind <= seqPos_)
            dropHour(i);
    }
}

void Engine::storeHours(bool all) {
    std::vector<CacheJob> jobs;
    {
        std::lock_guard lk(mu_);
        if (!ctx_.cache) {
            cacheJobs_.clear();
            return;
        }
        // Today's current hour is never cached: more events are still coming to it.
        const int64_t nowHour = int64_t(std::time(nullptr) / 3600);
        for (size_t i = 0; i < hours_.size(); ++i) {
            HourState& h = hours_[i];
            if (h.st != HourState::St::Ready) {
                if (all)
                    queueMemoUpdate(i);
                continue;
            }
            const HourPiece& p = map_.pieces()[i];
            if (h.toStore) {
                h.toStore = false;
                if (at::HourStamp{p.day, p.hour}.index() >= nowHour)
                    continue;
                h.inCache = true;
                h.pointsSaved = h.index->pointCount();
                cacheJobs_.push_back({source_.keyOf(p), h.gz, h.index->serialize()});
            } else if (all) {
                queueIndexUpdate(i);
            }
        }
        jobs.swap(cacheJobs_);
    }
    for (const CacheJob& j : jobs) {
        if (j.gz)
            ctx_.cache->put(j.key, *j.gz, j.index);
        else
            ctx_.cache->updateIndex(j.key, j.index);
    }
}

}  // namespace atfs::read
