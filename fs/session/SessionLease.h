// One session's life, with one owner: the lease takes a gate slot, creates the session
// (one 429 policy: wait as Retry-After says, bounded, interruptible), registers it in
// LiveSessions, and on release hands the id and the slot to the reaper, the only code that
// deletes. A stream reading on to its next segment keeps the slot for the next lease.
//
// Lock order (a lock may only be taken after those above it):
//   FileStream::mu_  >  FileStream::cancelMu_  >  SessionGate::mu_  >  SessionReaper::mu_
//   >  LiveSessions::mu_.
// No HTTP call runs under the gate's, the reaper's or LiveSessions' lock. The stream's mutex
// is held over a create and a download (the read waits for them) but never over a DELETE
// (a stream hands its released leases to the reaper after unlocking) nor over a wait for a
// slot: open() only takes a free one, and a stream waits (waitForSlot) with its mutex
// released, so a release or abandon of a file whose reader is queued is not held up.
#pragma once

#include <cerrno>
#include <chrono>
#include <functional>
#include <string>

#include "Backend.h"
#include "Stats.h"
#include "session/LiveSessions.h"
#include "session/SessionGate.h"
#include "session/SessionReaper.h"

namespace atfs {

struct LeaseContext {
    Backend& backend;
    SessionGate& gate;
    LiveSessions& live;
    SessionReaper& reaper;
    Stats& stats;
    std::chrono::milliseconds gateTimeout{120000};      // longest wait for a slot
    std::chrono::milliseconds limitRetryBudget{60000};  // longest wait through 429s
    std::string tag;                                    // SessionRequest::tag of this mount
};

class SessionLease {
  public:
    using Cancelled = std::function<bool()>;

    SessionLease() = default;
    SessionLease(SessionLease&& o) noexcept;
    SessionLease& operator=(SessionLease&& o) noexcept;
    SessionLease(const SessionLease&) = delete;
    SessionLease& operator=(const SessionLease&) = delete;
    // A lease still held here goes to the reaper's thread (a destructor may run under a lock).
    ~SessionLease();

    // Returned by open() when it was given no slot and none is free: wait for one with
    // waitForSlot (not under a lock others need), then open again with it.
    static constexpr int kSlotBusy = -EAGAIN;

    // Waits in line for a slot of the domain: 0, -EINTR once `cancelled` turns true, or
    // -EIO after ctx.gateTimeout (logged with `file`). Counted in the queue-wait histogram.
    static int waitForSlot(LeaseContext& ctx, const std::string& domainKey, const std::string& file,
                           const Cancelled& cancelled, GateSlot& out);

    // Takes a free slot of the domain (unless `slot` holds one already: else kSlotBusy),
    // creates the session and registers it. 0, or -errno (logged with `file`); -EINTR once
    // `cancelled` turns true.
    int open(LeaseContext& ctx, const at::Domain& domain, const std::string& file,
             at::SessionRequest request, GateSlot slot, const Cancelled& cancelled);

    explicit operator bool() const { return ctx_ != nullptr; }
    const at::Session& session() const { return session_; }
    const std::string& id() const { return session_.id; }
    const LiveSession& entry() const { return entry_; }

    // Hands the session (and, unless keepSlot, its slot) over for deleting; returns the
    // slot kept, for the next lease of the same reader.
    ReleasedSession release(GateSlot* keepSlot = nullptr);

  private:
    LeaseContext* ctx_ = nullptr;
    at::Session session_;
    LiveSession entry_;
    GateSlot slot_;
};

}  // namespace atfs
