#include "read/HourSource.h"

#include <cerrno>

#include "ErrnoMap.h"
#include "Log.h"
#include "read/EngineSizes.h"
#include "read/EngineStats.h"
#include "read/ReadEngine.h"

namespace atfs::read {

// Reads from the range stream in pieces this big: abandon() is seen between them.
constexpr size_t kReadChunk = 256 << 10;

HourSource::HourSource(EngineContext& ctx, at::Domain domain, std::string file,
                       std::vector<Segment> plan, const OffsetMap& map)
    : ctx_(ctx),
      domain_(std::move(domain)),
      domainKey_(domainKey(domain_)),
      file_(std::move(file)),
      plan_(std::move(plan)),
      map_(map),
      segmentSize_(plan_.size()) {
    for (const HourPiece& p : map_.pieces())
        segmentSize_[p.segment] += p.size;
}

HourSource::~HourSource() {
    release();
}

HourKey HourSource::keyOf(const HourPiece& p) const {
    HourKey k;
    k.domain = domainKey_;
    k.day = p.day;
    k.hour = p.hour;
    k.count = p.count;
    k.size = p.size;
    k.gzipSize = p.gzipSize;
    return k;
}

int HourSource::sessionsCreated() const {
    std::lock_guard lk(leaseMu_);
    return sessionsCreated_;
}

int HourSource::fetch(const HourPiece& piece, FetchedHour& out, std::string& why,
                      const FileStream::Cancelled& cancelled) {
    if (ctx_.cache) {
        if (auto hit = ctx_.cache->get(keyOf(piece)); hit && hit->gzip.size() == piece.gzipSize) {
            out.gzip = std::move(hit->gzip);
            out.index = std::move(hit->index);
            out.gzipCrc = hit->gzipCrc;
            out.fromCache = true;
            engineAtomics().hoursFromCache++;
            return 0;
        }
    }
    std::string id;
    if (int r = useSession(piece.segment, id, why, cancelled); r != 0)
        return r;
    const int r = download(id, piece, out.gzip, why);
    doneWithSession();
    out.fromCache = false;
    return r;
}

int HourSource::useSession(size_t seg, std::string& id, std::string& why,
                           const FileStream::Cancelled& cancelled) {
    std::unique_lock lk(leaseMu_);
    for (;;) {
        // Another segment's downloads finish first: its session is released once they are done.
        leaseFree_.wait(lk, [&] { return !lease_ || leaseSeg_ == seg || users_ == 0; });
        if (lease_ && leaseSeg_ != seg) {
            // To the reaper's thread: no DELETE under our lock; the slot goes to the next lease.
            // At most one of this file's deletes in flight, so the service sees at most one
            // session more than the file uses (as FileStream).
            if (!deleting_.empty())
                ctx_.stream.leases.reaper.awaitTried(deleting_);
            deleting_ = lease_.id();
            ctx_.stream.leases.reaper.releaseLater(lease_.release(&slot_));
        }
        if (lease_)
            break;
        if (!slot_ && slotWaiter_) {
            // Another reader of this file is in line for a slot: it opens the lease for both.
            leaseFree_.wait_for(lk, sizes::kWaitPoll);
            if (cancelled && cancelled())
                return -EINTR;
            continue;
        }
        const Segment& s = plan_[seg];
        at::SessionRequest req{s.start, s.end, s.hour, domain_.accountLevel, {}};
        const int r =
            lease_.open(ctx_.stream.leases, domain_, file_, req, std::move(slot_), cancelled);
        if (r == SessionLease::kSlotBusy) {
            // In line for a slot without our lock: reads of cached hours, abandon and close
            // of this file go on meanwhile.
            slotWaiter_ = true;
            GateSlot got;
            lk.unlock();
            const int w = SessionLease::waitForSlot(ctx_.stream.leases, domainKey(domain_), file_,
                                                    cancelled, got);
            lk.lock();
            slotWaiter_ = false;
            leaseFree_.notify_all();
            if (w < 0)
                return w;
            if (!slot_ && !lease_)
                slot_ = std::move(got);
            continue;
        }
        if (r < 0)
            return r;
        leaseSeg_ = seg;
        sessionsCreated_++;
        break;
    }
    // The map's offsets hold only if the session's totals are the hours' sums.
    if (lease_.session().gzipSize != map_.segmentGzipSize(seg)) {
        why = "its session holds " + std::to_string(lease_.session().gzipSize) +
              " gzip bytes where the status gives " + std::to_string(map_.segmentGzipSize(seg));
        return kMismatch;
    }
    if (lease_.session().size != segmentSize_[seg]) {
        why = "its session holds " + std::to_string(lease_.session().size) +
              " bytes where the status gives " + std::to_string(segmentSize_[seg]);
        return kMismatch;
    }
    id = lease_.id();
    users_++;
    return 0;
}

void HourSource::doneWithSession() {
    {
        std::lock_guard lk(leaseMu_);
        users_--;
    }
    leaseFree_.notify_all();
}

int HourSource::download(const std::string& id, const HourPiece& piece, std::string& gz,
                         std::string& why) {
    std::unique_ptr<at::DownloadStream> stream;
    uint64_t abandonsAtStart = 0;
    try {
        stream = ctx_.stream.backend.downloadRange(domain_, id, piece.rawOffset, piece.gzipSize);
    } catch (const at::ApiError& e) {
        if (e.kind() == at::ErrorKind::Integrity) {
            why = e.what();
            return kMismatch;
        }
        return -reportError("range download", file_, id, e);
    }
    {
        std::lock_guard lk(cancelMu_);
        streams_.insert(stream.get());
        abandonsAtStart = abandons_;
    }
    struct Unregister {
        HourSource& s;
        at::DownloadStream* p;
        ~Unregister() {
            std::lock_guard lk(s.cancelMu_);
            s.streams_.erase(p);
        }
    } unregister{*this, stream.get()};
    gz.resize(piece.gzipSize);
    uint64_t got = 0;
    try {
        while (got < piece.gzipSize) {
            const size_t r =
                stream->read(gz.data() + got, std::min<uint64_t>(kReadChunk, piece.gzipSize - got));
            if (r == 0)
                break;
            got += r;
            ctx_.stream.stats.bytesIn += r;
        }
    } catch (const at::ApiError& e) {
        if (e.kind() == at::ErrorKind::Integrity) {
            why = e.what();
            return kMismatch;
        }
        return -reportError("range download", file_, id, e);
    }
    {
        std::lock_guard lk(cancelMu_);
        if (abandons_ != abandonsAtStart)
            return -EINTR;  // abandon() stopped it: the reader is gone
    }
    if (got != piece.gzipSize) {
        why = "its range gave " + std::to_string(got) + " of " + std::to_string(piece.gzipSize) +
              " bytes";
        return kMismatch;
    }
    engineAtomics().hoursFetched++;
    engineAtomics().rangeBytes += got;
    return 0;
}

void HourSource::abandon() {
    std::lock_guard lk(cancelMu_);
    abandons_++;
    for (at::DownloadStream* s : streams_)
        s->cancel();
}

void HourSource::release() {
    ReleasedSession released;
    bool had = false;
    {
        std::unique_lock lk(leaseMu_);
        leaseFree_.wait(lk, [&] { return users_ == 0; });
        if (lease_) {
            released = lease_.release();
            had = true;
        }
        slot_.reset();
    }
    if (had)
        ctx_.stream.leases.reaper.releaseNow(std::move(released));
}

}  // namespace atfs::read
