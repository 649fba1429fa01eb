#include "FileStream.h"

#include <algorithm>
#include <cerrno>
#include <thread>

#include "ErrnoMap.h"
#include "Log.h"

namespace atfs {

namespace {
constexpr size_t kSkipChunk = 256 << 10;
constexpr size_t kMinWindow = 64 << 10;
}  // namespace

FileStream::FileStream(StreamContext& ctx, at::Domain domain, std::string file,
                       std::vector<Segment> plan, Format format, bool kernelCaches)
    : ctx_(ctx),
      domain_(std::move(domain)),
      domainKey_(domainKey(domain_)),
      file_(std::move(file)),
      plan_(std::move(plan)),
      format_(format),
      kernelCaches_(kernelCaches),
      pinned_(plan_.size()),
      reportedSize_(plannedSize(plan_, format_)) {}

FileStream::~FileStream() {
    close();
}

void FileStream::close() {
    // First, without the lock: a read queued for a slot or waiting out a 429 stops (within
    // the gate's 100 ms poll), and one downloading ends instead of restarting.
    closed_ = true;
    abandon();
    idle();
}

void FileStream::idle() {
    std::vector<ReleasedSession> released;
    {
        std::lock_guard lk(mu_);
        closeSession();
        window_.reserve(0);
        if (windowHeld_)
            ctx_.budget.release(windowHeld_);
        windowHeld_ = 0;
        released.swap(released_);
    }
    handOver(released);
    ctx_.leases.reaper.settle();  // and those released while reading on are deleted too
}

void FileStream::abandon() {
    std::lock_guard lk(cancelMu_);
    if (cancellable_) {
        cancellable_->cancel();
        cancelledStream_ = cancellable_;
    }
}

std::optional<uint64_t> FileStream::takeSizeChange() {
    std::lock_guard lk(mu_);
    auto change = sizeChange_;
    sizeChange_.reset();
    return change;
}

ssize_t FileStream::read(uint64_t offset, char* buf, size_t n, const Cancelled& cancelled) {
    std::vector<ReleasedSession> released;
    ssize_t r = 0;
    {
        std::unique_lock lk(mu_);
        for (;;) {
            r = closed_ ? -EBADF : readUnderLock(offset, buf, n, cancelled);
            if (r != SessionLease::kSlotBusy)
                break;
            if (int w = awaitSlot(lk, cancelled); w < 0) {
                r = w;
                break;
            }
        }
        released.swap(released_);
    }
    handOver(released);
    return r;
}

int FileStream::awaitSlot(std::unique_lock<std::mutex>& lk, const Cancelled& cancelled) {
    auto gone = [&] { return closed_ || (cancelled && cancelled()); };
    if (slotWaiter_) {
        // Another read of this file is in line already: one place per file, not per request.
        while (slotWaiter_ && !gone())
            slotCv_.wait_for(lk, std::chrono::milliseconds(100));
        return gone() ? -EINTR : 0;
    }
    slotWaiter_ = true;
    GateSlot got;
    lk.unlock();
    const int r = SessionLease::waitForSlot(ctx_.leases, domainKey_, file_, gone, got);
    lk.lock();
    slotWaiter_ = false;
    slotCv_.notify_all();
    if (r < 0) {
        if (r != -EINTR) {
            broken_ = true;
            lastError_ = -r;
            failedAt_ = std::chrono::steady_clock::now();
        }
        return r;
    }
    if (!slot_ && !lease_ && !closed_)
        slot_ = std::move(got);  // else `got` goes back to the gate here
    return 0;
}

ssize_t FileStream::readUnderLock(uint64_t offset, char* buf, size_t n,
                                  const Cancelled& cancelled) {
    // Only waits (session slot, 429) poll it; it is valid for this call only.
    cancelled_ = cancelled;
    struct Reset {
        Cancelled& c;
        ~Reset() { c = nullptr; }
    } reset{cancelled_};
    if (!windowTried_) {
        windowTried_ = true;
        const size_t want =
            std::clamp<size_t>(plannedSize(plan_, format_), kMinWindow, ctx_.windowBytes);
        if (ctx_.budget.acquire(want, ctx_.budgetTimeout)) {
            window_.reserve(want);
            windowHeld_ = want;
        } else {
            logLine("no memory budget left for the read window of " + file_ +
                    "; backward seeks will re-download (raise memory_budget)");
        }
    }
    return readLocked(offset, buf, n);
}

ssize_t FileStream::readLocked(uint64_t offset, char* buf, size_t n) {
    // The requests the kernel had in flight with the one that failed, and the one it sends
    // again for the page the reader waits on, share its fate: each would otherwise re-download
    // into the same failure (through a drip, a minute per round).
    if (broken_ && lastError_ && std::chrono::steady_clock::now() - failedAt_ < ctx_.failureEcho)
        return -lastError_;
    if (broken_) {
        if (int r = restartAt(offset); r < 0)
            return r;
    } else if (offset < pos_) {
        // Servable from the window if it holds the start, and either the whole request or
        // everything up to the stream (pages the kernel cached are not in the window).
        const bool held = offset < windowEnd_ && windowEnd_ - offset <= window_.size() &&
                          (offset + n <= windowEnd_ || windowEnd_ == pos_);
        if (!held) {
            if (int r = restartAt(offset); r < 0)
                return r;
        } else {
            const size_t take = std::min<uint64_t>(n, windowEnd_ - offset);
            ctx_.stats.windowReads++;
            window_.copyOut(windowEnd_ - offset, buf, take);
            if (take == n)
                return ssize_t(n);
            const ssize_t more = pull(buf + take, n - take);
            if (more > 0 && (!kernelCaches_ || offset < rememberUntil_))
                remember(buf + take, size_t(more), pos_ - uint64_t(more));
            return more < 0 ? ssize_t(take) : ssize_t(take) + more;
        }
    } else if (offset > pos_) {
        // Inflated bytes can only be reached by inflating what precedes them, so a target
        // in the current segment is reached by reading on; a restart would re-download.
        const bool inThisSegment = stream_ && format_ == Format::Json && seg_ < plan_.size() &&
                                   offset < segStart_ + sizeOf(seg_);
        const bool skip = offset - pos_ <= ctx_.skipAhead || inThisSegment;
        if (skip)
            ctx_.stats.skips++;
        const int r = skip ? skipTo(offset) : restartAt(offset);
        if (r < 0)
            return r;
    }
    if (pos_ != offset)
        return 0;  // past the end
    const ssize_t r = pull(buf, n);
    if (r > 0 && (!kernelCaches_ || offset < rememberUntil_))
        remember(buf, size_t(r), offset);
    return r;
}

void FileStream::remember(const char* data, size_t n, uint64_t at) {
    if (at != windowEnd_)
        window_.clear();  // not contiguous with what the window holds: start over
    window_.append(data, n);
    windowEnd_ = at + n;
}

ssize_t FileStream::pull(char* dst, size_t n) {
    size_t got = 0;
    while (got < n) {
        if (!stream_) {
            if (seg_ >= plan_.size())
                break;
            if (!lease_) {
                if (int r = openSession(seg_); r < 0)
                    return got ? ssize_t(got) : r;
            }
            if (pinned_[seg_] == 0u) {  // an empty session: nothing to download
                closeSession(/*keepSlot=*/seg_ + 1 < plan_.size());
                seg_++;
                continue;
            }
            if (int r = openDownload(0); r < 0)
                return got ? ssize_t(got) : r;
        }
        size_t r = 0;
        try {
            r = stream_->read(dst + got, n - got);
        } catch (const at::ApiError& e) {
            const int err = fail("download", e);
            return got ? ssize_t(got) : err;
        }
        const uint64_t received = stream_->gzipReceived();
        ctx_.stats.bytesIn += received - lastGzip_;
        lastGzip_ = received;
        lease_.entry().bytes->store(received);
        if (r == 0 && wasAbandoned()) {
            // Not the end of the data: abandon() stopped the download.
            if (got > 0) {
                // The session goes now, not when the next read or the release comes (the
                // kernel sends no release while a child that inherited the file lives).
                closeSession(/*keepSlot=*/true);
                broken_ = true;
                lastError_ = 0;
                return ssize_t(got);
            }
            if (interrupted()) {
                closeSession(/*keepSlot=*/true);
                broken_ = true;  // the next read starts over where it asks
                return -EINTR;   // the reader is gone: nobody sees this reply
            }
            // A late interrupt of an earlier request: this one goes on from here.
            if (int rr = restartAt(pos_); rr < 0)
                return rr;
            continue;
        }
        if (r == 0) {
            pinned_[seg_] = pos_ - segStart_;  // what the session really held
            // Reading on: the next segment's session takes this one's slot, so a reader that
            // owns a slot never queues behind the readers still waiting for one.
            closeSession(/*keepSlot=*/seg_ + 1 < plan_.size());
            seg_++;
            segStart_ = pos_;
            continue;
        }
        got += r;
        pos_ += r;
    }
    if (!stream_ && seg_ >= plan_.size())
        noteSize();
    return ssize_t(got);
}

int FileStream::skipTo(uint64_t offset) {
    // The bytes skipped over are the ones a reader comes back for (the kernel's readahead
    // requests arriving out of order): into the window, and so is everything read for one
    // window's length after them, so the window stays one contiguous run ending at pos_
    // while several requests arrive out of order.
    rememberUntil_ = offset + window_.capacity();
    std::vector<char> scratch(std::min<uint64_t>(kSkipChunk, offset - pos_));
    while (pos_ < offset) {
        const uint64_t at = pos_;
        const ssize_t r = pull(scratch.data(), std::min<uint64_t>(scratch.size(), offset - pos_));
        if (r < 0)
            return int(r);
        if (r == 0)
            break;
        remember(scratch.data(), size_t(r), at);
    }
    return 0;
}

int FileStream::restartAt(uint64_t offset) {
    const int r = restartFrom(offset);
    if (r < 0 && !broken_) {
        // Interrupted or queued for a slot half way: the position is not set, so the next
        // read starts over (without the failure echo: nothing failed).
        broken_ = true;
        lastError_ = 0;
    }
    return r;
}

int FileStream::restartFrom(uint64_t offset) {
    if (pos_ != 0 || seg_ != 0)
        ctx_.stats.restarts++;
    closeSession(/*keepSlot=*/true);
    window_.clear();
    broken_ = false;
    seg_ = 0;
    segStart_ = 0;
    // Skip whole segments by their pinned sizes (one session each, no download).
    while (seg_ < plan_.size()) {
        if (!pinned_[seg_]) {
            if (int r = openSession(seg_); r < 0)
                return r;
        }
        if (offset < segStart_ + *pinned_[seg_])
            break;
        closeSession(/*keepSlot=*/true);
        segStart_ += *pinned_[seg_];
        seg_++;
    }
    pos_ = segStart_;
    if (seg_ >= plan_.size()) {
        slot_.reset();
        noteSize();
        return 0;
    }
    if (!lease_) {
        if (int r = openSession(seg_); r < 0)
            return r;
    }
    if (format_ == Format::JsonGz) {
        // Raw bytes map 1:1 to the download: resume right at the offset with a Range.
        if (int r = openDownload(offset - segStart_); r < 0)
            return r;
        pos_ = offset;
        return 0;
    }
    if (int r = openDownload(0); r < 0)
        return r;
    return skipTo(offset);
}

int FileStream::openSession(size_t seg) {
    const Segment& s = plan_[seg];
    at::SessionRequest req{s.start, s.end, s.hour, domain_.accountLevel, {}};
    // A slot kept from this reader's previous session goes to the next one.
    if (int r = lease_.open(ctx_.leases, domain_, file_, req, std::move(slot_), cancelled_);
        r < 0) {
        if (r != -EINTR && r != SessionLease::kSlotBusy) {
            broken_ = true;
            lastError_ = -r;
            failedAt_ = std::chrono::steady_clock::now();
        }
        return r;
    }
    sessionsCreated_++;
    pinned_[seg] = format_ == Format::Json ? lease_.session().size : lease_.session().gzipSize;
    noteSize();
    return 0;
}

int FileStream::openDownload(uint64_t rawOffset) {
    const at::DownloadMode mode =
        format_ == Format::Json ? at::DownloadMode::Inflated : at::DownloadMode::Raw;
    dropStream();
    try {
        stream_ = ctx_.backend.download(domain_, lease_.id(), mode, rawOffset);
    } catch (const at::ApiError& e) {
        return fail("download", e);
    }
    {
        std::lock_guard lk(cancelMu_);
        cancellable_ = stream_.get();
    }
    lastGzip_ = 0;
    // The reader went while this download was being set up, too early for abandon() to stop
    // it (ReadWatch marks the reader gone before it abandons). Not asked under cancelMu_:
    // libfuse holds the request's lock when it calls abandon().
    if (interrupted())
        abandon();
    return 0;
}

bool FileStream::wasAbandoned() {
    std::lock_guard lk(cancelMu_);
    return stream_ && cancelledStream_ == stream_.get();
}

void FileStream::dropStream() {
    {
        std::lock_guard lk(cancelMu_);
        cancellable_ = nullptr;
        cancelledStream_ = nullptr;
    }
    stream_.reset();
}

void FileStream::closeSession(bool keepSlot) {
    // The session goes to the reaper before the stream is dropped: a cancelled download's
    // transfer thread may take up to a second to notice (curl's progress callback), and
    // the DELETE need not wait for it.
    // No DELETE runs under the stream's mutex. Reading on, the reaper's thread deletes it
    // while the next session is created (the service may see one more session for a moment;
    // holding every consumed one until the read ends would pile up one per segment);
    // otherwise read() and close() hand it over once the mutex is released.
    if (lease_ && keepSlot) {
        // At most one of this stream's deletes in flight, so the service sees at most one
        // session more than the reader uses; the wait is for a delete that is usually done.
        if (!deleting_.empty())
            ctx_.leases.reaper.awaitTried(deleting_);
        deleting_ = lease_.id();
        ctx_.leases.reaper.releaseLater(lease_.release(&slot_));
    } else if (lease_)
        released_.push_back(lease_.release());
    dropStream();
    if (!keepSlot)
        slot_.reset();
}

void FileStream::handOver(std::vector<ReleasedSession>& released) {
    for (ReleasedSession& r : released)
        ctx_.leases.reaper.releaseNow(std::move(r));
    released.clear();
}

int FileStream::fail(const std::string& what, const at::ApiError& e) {
    ctx_.stats.errors++;
    const int err = reportError(what, file_, lease_.id(), e);
    closeSession();
    broken_ = true;
    lastError_ = err;
    failedAt_ = std::chrono::steady_clock::now();
    return -err;
}

uint64_t FileStream::sizeOf(size_t seg) const {
    return pinned_[seg] ? *pinned_[seg] : plan_[seg].bytes(format_);
}

void FileStream::noteSize() {
    uint64_t total = 0;
    for (size_t i = 0; i < plan_.size(); ++i)
        total += sizeOf(i);
    if (total == reportedSize_)
        return;
    reportedSize_ = total;
    sizeChange_ = total;
}

}  // namespace atfs
