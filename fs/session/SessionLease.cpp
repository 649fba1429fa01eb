#include "session/SessionLease.h"

#include <algorithm>
#include <cerrno>
#include <thread>

#include "ErrnoMap.h"
#include "Log.h"

namespace atfs {

SessionLease::SessionLease(SessionLease&& o) noexcept
    : ctx_(o.ctx_),
      session_(std::move(o.session_)),
      entry_(std::move(o.entry_)),
      slot_(std::move(o.slot_)) {
    o.ctx_ = nullptr;
}

SessionLease& SessionLease::operator=(SessionLease&& o) noexcept {
    if (this != &o) {
        if (ctx_)
            ctx_->reaper.releaseLater(release());
        ctx_ = o.ctx_;
        session_ = std::move(o.session_);
        entry_ = std::move(o.entry_);
        slot_ = std::move(o.slot_);
        o.ctx_ = nullptr;
    }
    return *this;
}

SessionLease::~SessionLease() {
    if (ctx_)
        ctx_->reaper.releaseLater(release());
}

int SessionLease::waitForSlot(LeaseContext& ctx, const std::string& key, const std::string& file,
                              const Cancelled& cancelled, GateSlot& out) {
    ctx.stats.gateWaits++;
    const auto started = std::chrono::steady_clock::now();
    const bool got = ctx.gate.acquire(key, ctx.gateTimeout, cancelled);
    ctx.stats.queueWaitSeconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (got) {
        out = GateSlot(&ctx.gate, key);
        return 0;
    }
    if (cancelled && cancelled())
        return -EINTR;  // the reader is gone (signal): nobody sees this reply
    ctx.stats.errors++;
    logLine("open session failed on " + file + ": waited " +
            std::to_string(ctx.gateTimeout.count() / 1000) + " s for one of " +
            std::to_string(ctx.gate.limit()) + " session slots of domain " + key +
            " - close other files or raise max_sessions");
    return -EIO;
}

int SessionLease::open(LeaseContext& ctx, const at::Domain& domain, const std::string& file,
                       at::SessionRequest request, GateSlot slot, const Cancelled& cancelled) {
    auto interrupted = [&] { return cancelled && cancelled(); };
    if (!slot) {
        const std::string key = domainKey(domain);
        if (!ctx.gate.acquire(key, std::chrono::milliseconds(0)))
            return kSlotBusy;
        slot = GateSlot(&ctx.gate, key);
    }
    request.tag = ctx.tag;
    // The one 429 policy: the service's own limit (other mounts of this user share it), so
    // wait as its Retry-After says, within limitRetryBudget, and stop when the reader goes.
    const auto deadline = std::chrono::steady_clock::now() + ctx.limitRetryBudget;
    for (;;) {
        try {
            session_ = ctx.backend.createSession(domain, request);
            break;
        } catch (const at::ApiError& e) {
            const auto now = std::chrono::steady_clock::now();
            if (e.kind() == at::ErrorKind::LimitReached && now < deadline) {
                ctx.stats.limitWaits++;
                const auto wait = std::chrono::seconds(std::max(1, e.retryAfterSeconds()));
                const auto until = std::min(now + wait, deadline);
                while (std::chrono::steady_clock::now() < until && !interrupted())
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                if (interrupted())
                    return -EINTR;
                continue;
            }
            ctx.stats.errors++;
            return -reportError("create session", file, "", e);
        }
    }
    ctx_ = &ctx;
    slot_ = std::move(slot);
    entry_ = LiveSession{session_.id, file, domain};
    ctx.stats.sessionsCreated++;
    ctx.live.add(entry_);
    return 0;
}

ReleasedSession SessionLease::release(GateSlot* keepSlot) {
    ReleasedSession out{entry_, {}};
    if (keepSlot)
        *keepSlot = std::move(slot_);
    else
        out.slot = std::move(slot_);
    ctx_ = nullptr;
    session_ = {};
    return out;
}

}  // namespace atfs
