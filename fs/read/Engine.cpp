// The engine's read path: a read split into hour pieces, each hour loaded once (cache or Range
// download) and checked, each piece served from a block of inflated output (made by the
// reader itself, or ahead of it on the pool); a failed check sends the file to FileStream.
#include "read/Engine.h"

#include <cerrno>
#include <cstring>

#include "Log.h"
#include "read/EngineSizes.h"
#include "read/EngineStats.h"
#include "read/InflatePool.h"

namespace atfs::read {

bool Engine::interrupted(const Call& c) const {
    return epoch_.load() != c.epoch || (c.cancelled && *c.cancelled && (*c.cancelled)());
}

bool Engine::waitPoll(std::unique_lock<std::mutex>& lk, const Call& c) {
    cv_.wait_for(lk, sizes::kWaitPoll);
    return !interrupted(c);
}

ssize_t Engine::read(uint64_t offset, char* buf, size_t n, const FileStream::Cancelled& cancelled) {
    if (fallback_)
        return fallbackRead(offset, buf, n, cancelled);
    if (offset >= map_.size() || n == 0)
        return 0;
    const Call c{&cancelled, epoch_.load()};
    const bool seq = noteRead(offset, n);
    size_t got = 0;
    int r = 0;
    std::string why;
    size_t piece = 0;
    int reloads = 0;
    constexpr int kMaxReloads = 100;
    while (got < n && offset + got < map_.size()) {
        const uint64_t at = offset + got;
        piece = map_.locate(at);
        const HourPiece& p = map_.pieces()[piece];
        const uint64_t inHour = at - p.fileOffset;
        const size_t want = std::min<uint64_t>(n - got, p.length(map_.format()) - inHour);
        size_t copied = 0;
        r = readPiece(piece, inHour, buf + got, want, seq, c, why, copied);
        got += copied;
        if (r != 0)
            break;
        if (copied == 0) {
            // Its hour was dropped between loading and copying (other readers' hours pushed
            // it out): load it again, a bounded number of times.
            if (++reloads > kMaxReloads) {
                r = -EIO;
                break;
            }
            if (interrupted(c)) {
                r = -EINTR;
                break;
            }
        }
    }
    if (r == kMismatch) {
        startFallback(piece, why);
        // What this call copied was verified; the rest comes from the sequential path. Never
        // a short count: the kernel takes one from a page-cached file for its end (and
        // shrinks st_size to it).
        const ssize_t rest = fallbackRead(offset + got, buf + got, n - got, cancelled);
        return rest < 0 ? rest : ssize_t(got) + rest;
    }
    if (seq && !interrupted(c))
        lookAhead(offset + got);
    {
        std::lock_guard lk(mu_);
        trim();
        if (seq)
            dropPassedHours();
    }
    storeHours();
    // An error after some bytes is the error (a short count would read as the file's end).
    if (r < 0)
        return r;
    return ssize_t(got);
}

int Engine::readPiece(size_t i, uint64_t inHour, char* dst, size_t want, bool seq, const Call& c,
                      std::string& why, size_t& copied) {
    if (int r = ensureHour(i, c, why); r != 0)
        return r;
    if (map_.format() == Format::JsonGz) {
        std::shared_ptr<const std::string> gz;
        {
            std::lock_guard lk(mu_);
            gz = hours_[i].gz;
        }
        if (!gz)
            return 0;  // dropped meanwhile: the caller's next round loads it again
        copied = std::min<uint64_t>(want, gz->size() - inHour);
        std::memcpy(dst, gz->data() + inHour, copied);
        return 0;
    }
    std::shared_ptr<Block> b;
    if (int r = blockFor(i, inHour, want, seq, c, why, b); r != 0)
        return r;
    copied = std::min<uint64_t>(want, b->end - inHour);
    std::memcpy(dst, b->data.get() + (inHour - b->start), copied);
    return 0;
}

int Engine::ensureHour(size_t i, const Call& c, std::string& why) {
    std::unique_lock lk(mu_);
    for (;;) {
        HourState& h = hours_[i];
        if (!h.failed.empty()) {
            why = h.failed;
            return kMismatch;
        }
        if (h.st == HourState::St::Ready) {
            h.lastUse = ++tick_;
            return 0;
        }
        if (h.st == HourState::St::Absent)
            break;
        if (!waitPoll(lk, c))
            return -EINTR;
    }
    hours_[i].st = HourState::St::Loading;
    lk.unlock();
    HourState loaded;
    const int r = loadHour(i, c, why, loaded);
    lk.lock();
    HourState& h = hours_[i];
    if (r == 0) {
        HourMemo& memo = memos_[i];
        if (memo.index && memo.gzCrc == loaded.gzCrc && map_.format() == Format::Json) {
            // The same bytes as before it was dropped: what was learned about them holds.
            loaded.index = memo.index;
            loaded.verified = loaded.verified || memo.verified;
            loaded.indexed = memo.indexed;
            if (loaded.inCache)
                loaded.pointsSaved = memo.inCache ? memo.pointsSaved : 0;
            loaded.splits = blockSplits(*loaded.index, loaded.verified);
        }
        loaded.gen = h.gen + 1;
        loaded.lastUse = ++tick_;
        loaded.st = HourState::St::Ready;
        h = std::move(loaded);
        evictHours(i);
    } else {
        h.st = HourState::St::Absent;
        if (r == kMismatch)
            h.failed = why;
    }
    cv_.notify_all();
    return r;
}

int Engine::loadHour(size_t i, const Call& c, std::string& why, HourState& h) {
    const HourPiece& p = map_.pieces()[i];
    FetchedHour f;
    const FileStream::Cancelled cancelled = [this, &c] { return interrupted(c); };
    if (int r = source_.fetch(p, f, why, cancelled); r != 0)
        return r;
    auto gz = std::make_shared<const std::string>(std::move(f.gzip));
    // The cache checked its CRC32 already.
    h.gzCrc = f.fromCache ? f.gzipCrc : crcOf(*gz);
    std::shared_ptr<HourIndex> known;  // from before it was dropped (ensureHour adopts it)
    {
        std::lock_guard lk(mu_);
        if (memos_[i].gzCrc == h.gzCrc && map_.format() == Format::Json)
            known = memos_[i].index;
    }
    if (known)
        h.index = known;  // the cache's copy has no more points than it: no parse
    else if (f.fromCache && !f.index.empty())
        h.index = HourIndex::parse(f.index, *gz, p.size);
    if (!h.index)
        h.index = HourIndex::scan(*gz, p.size);
    h.gz = gz;
    h.fromNetwork = !f.fromCache;
    h.inCache = f.fromCache;
    h.pointsSaved = h.inCache ? h.index->pointCount() : 0;
    // The cache checked its entry (CRC32, status sizes) and holds only verified hours.
    h.verified = f.fromCache;
    if (map_.format() == Format::JsonGz && !h.verified) {
        // Raw bytes are served as they are: member headers and trailers adding up to the
        // status's sizes is the check, and a full inflate where they do not.
        h.verified = h.index->membersVerified() || indexHour(*gz, h.index, why);
        if (!h.verified)
            return kMismatch;
        h.toStore = true;
    }
    h.splits = blockSplits(*h.index, h.verified);
    return 0;
}

std::shared_ptr<Block> Engine::findBlock(size_t i, uint64_t off) {
    // A piece's blocks may overlap: a random read's starts at an aligned offset inside an
    // interval and ends a little past the read, a sequential one spans the interval from its
    // start. Any block covering `off` serves it (a ready one first); the one with the greatest
    // start may end before `off` and hide one that covers it (blockFor would then make and
    // drop that one forever). A piece holds a few blocks (kBlockLru and the look-ahead).
    std::shared_ptr<Block> pending;
    for (auto it = blocks_.upper_bound({i, off}); it != blocks_.begin();) {
        --it;
        if (it->first.first != i)
            break;
        if (off < it->second->end) {
            if (it->second->ready)
                return it->second;
            if (!pending)
                pending = it->second;
        }
    }
    return pending;
}

bool Engine::freeKey(size_t i, uint64_t start) {
    auto it = blocks_.find({i, start});
    if (it == blocks_.end())
        return true;
    if (!it->second->ready)
        return false;
    dropBlock(it);  // a shorter one from the same point
    return true;
}

int Engine::blockFor(size_t i, uint64_t off, size_t want, bool seq, const Call& c, std::string& why,
                     std::shared_ptr<Block>& out) {
    std::unique_lock lk(mu_);
    for (;;) {
        // Every round may make a block: a read that keeps coming back here must still end
        // when its reader goes.
        if (interrupted(c))
            return -EINTR;
        if (auto b = findBlock(i, off)) {
            if (b->ready) {
                b->lastUse = ++tick_;
                out = b;
                return 0;
            }
            if (b->failed) {
                why = hours_[i].failed;
                return kMismatch;
            }
            const HourState& h = hours_[i];
            if (!b->started && h.st == HourState::St::Ready && h.gen == b->gen) {
                // Still queued behind other work in the pool: the reader makes it itself.
                b->started = true;
                if (int r = makeBlock(b, h.gz, h.index, lk, why); r != 0)
                    return r;
                continue;
            }
            if (!waitPoll(lk, c))
                return -EINTR;
            continue;
        }
        HourState& h = hours_[i];
        if (!h.failed.empty()) {
            why = h.failed;
            return kMismatch;
        }
        if (h.st != HourState::St::Ready) {  // dropped meanwhile
            lk.unlock();
            if (int r = ensureHour(i, c, why); r != 0)
                return r;
            lk.lock();
            continue;
        }
        const uint64_t size = map_.pieces()[i].size;
        auto [start, end] = intervalOf(h.splits, size, off);
        const bool tooLong = end - start > ctx_.maxMemberBlock;
        if ((!h.verified && (!seq || tooLong)) || (tooLong && !h.indexed)) {
            // A random read needs the whole hour checked (and points to start from); so
            // does a member too long to hold whole.
            if (int r = indexInPool(i, lk, c, why); r != 0)
                return r;
            continue;
        }
        if (!seq && h.verified) {
            // A random read inflates up to a little past it, not the whole span between
            // points (from a point far before it, HourReader records points on the way).
            if (end - start > 2 * sizes::kBlockBytes)
                start = std::max(start, off / sizes::kBlockBytes * sizes::kBlockBytes);
            const uint64_t tail = sizes::kRandomTail;
            end = std::min(end, (off + want + tail - 1) / tail * tail);
        }
        if (!freeKey(i, start)) {
            if (!waitPoll(lk, c))
                return -EINTR;
            continue;
        }
        auto b = std::make_shared<Block>();
        b->piece = i;
        b->start = start;
        b->end = end;
        b->ahead = seq;
        blocks_[{i, start}] = b;
        b->gen = h.gen;
        b->started = true;
        // The reader's own block, on its own thread: it would wait for it anyway. Drawn from
        // the budget when it can be: waiting its bound for other files to give some back, not
        // for this file's own look-ahead (which is what the reader is about to consume).
        const bool mayWait = held_ == 0;
        auto gz = h.gz;
        auto index = h.index;
        lk.unlock();
        const bool held = ctx_.stream.budget.acquire(
            end - start, mayWait ? ctx_.stream.budgetTimeout : std::chrono::milliseconds(0));
        lk.lock();
        b->held = held ? end - start : 0;
        held_ += b->held;
        if (int r = makeBlock(b, gz, index, lk, why); r != 0)
            return r;
    }
}

int Engine::makeBlock(const std::shared_ptr<Block>& b, std::shared_ptr<const std::string> gz,
                      std::shared_ptr<HourIndex> index, std::unique_lock<std::mutex>& lk,
                      std::string& why) {
    lk.unlock();
    std::string failure;
    std::unique_ptr<char[]> data;
    const bool ok = inflateRange(*gz, index, b->start, b->end, data, failure);
    lk.lock();
    b->data = std::move(data);
    finishBlock(b, b->gen, ok, failure);
    if (!ok) {
        why = failure;
        return kMismatch;
    }
    return 0;
}

void Engine::finishBlock(const std::shared_ptr<Block>& b, uint64_t gen, bool ok,
                         const std::string& why) {
    HourState& h = hours_[b->piece];
    if (ok) {
        b->ready = true;
        if (h.gen == gen && h.st == HourState::St::Ready && !h.verified) {
            h.checked.insert(b->start);
            if (h.checked.size() >= h.splits.size())
                markVerified(h);
        }
    } else {
        b->failed = true;
        if (h.failed.empty())
            h.failed = why;
    }
    cv_.notify_all();
}

void Engine::markVerified(HourState& h) {
    h.verified = true;
    h.checked.clear();
    h.splits = blockSplits(*h.index, true);
    if (h.fromNetwork && !h.inCache)
        h.toStore = true;
}

int Engine::indexInPool(size_t i, std::unique_lock<std::mutex>& lk, const Call& c,
                        std::string& why) {
    startIndex(i);
    while (hours_[i].indexing) {
        if (!waitPoll(lk, c))
            return -EINTR;
    }
    if (!hours_[i].failed.empty()) {
        why = hours_[i].failed;
        return kMismatch;
    }
    return 0;
}

void Engine::startIndex(size_t i) {
    HourState& h = hours_[i];
    if (h.indexing || h.indexed || closing_)
        return;
    h.indexing = true;
    // One task per member (members inflate independently): the hour is indexed on every
    // worker at once, and is done when the last one is.
    std::vector<uint64_t> starts;
    for (const AccessPoint& m : h.index->members())
        starts.push_back(m.out);
    if (starts.empty() || starts.front() != 0)
        starts.insert(starts.begin(), 0);
    struct Pass {
        size_t left;
        std::string why;
    };
    auto pass = std::make_shared<Pass>(Pass{starts.size(), {}});
    const uint64_t size = h.index->size();
    for (size_t k = 0; k < starts.size(); ++k) {
        const uint64_t from = starts[k], to = k + 1 < starts.size() ? starts[k + 1] : size;
        tasks_++;
        ctx_.pool.submit([this, i, pass, from, to, gz = h.gz, index = h.index, gen = h.gen] {
            std::string why;
            const bool ok = indexRange(*gz, index, from, to, why);
            std::lock_guard lk(mu_);
            if (!ok && pass->why.empty())
                pass->why = why.empty() ? "it does not inflate" : why;
            HourState& h = hours_[i];
            if (--pass->left == 0 && h.gen == gen) {
                h.indexing = false;
                if (pass->why.empty()) {
                    h.indexed = true;
                    markVerified(h);
                } else if (h.failed.empty()) {
                    h.failed = pass->why;
                }
            }
            tasks_--;
            cv_.notify_all();
        });
    }
}

}  // namespace atfs::read
