#include "SessionReaper.h"

#include <algorithm>
#include <vector>

#include "ErrnoMap.h"
#include "Log.h"

namespace atfs {

SessionReaper::SessionReaper(Backend& backend, LiveSessions& live, Stats& stats,
                             std::chrono::milliseconds firstRetry,
                             std::chrono::milliseconds maxRetry)
    : backend_(backend), live_(live), stats_(stats), firstRetry_(firstRetry), maxRetry_(maxRetry) {
    // The thread is started lazily by adopt(): most mounts never need it.
}

SessionReaper::~SessionReaper() {
    stop();
}

bool SessionReaper::deleteOnce(Backend& backend, const LiveSession& s, Stats& stats,
                               const char* when) {
    try {
        backend.deleteSession(s.domain, s.id);
        stats.sessionsDeleted++;
        return true;
    } catch (const at::ApiError& e) {
        if (e.kind() == at::ErrorKind::NotFound)
            return true;  // already gone: an idle timeout or another cleanup removed it
        stats.errors++;
        reportError(when, s.file, s.id, e);
        return false;
    }
}

bool SessionReaper::deleteAndForget(const LiveSession& s, const char* when) {
    if (!deleteOnce(backend_, s, stats_, when))
        return false;
    live_.remove(s.id);
    return true;
}

void SessionReaper::drain(std::chrono::milliseconds bound) {
    stop();
    const auto deadline = std::chrono::steady_clock::now() + bound;
    auto pause = std::chrono::milliseconds(250);
    for (;;) {
        size_t left = 0;
        for (const LiveSession& s : live_.snapshot())
            left += !deleteAndForget(s, "delete session at unmount");
        if (left == 0 || std::chrono::steady_clock::now() + pause > deadline)
            break;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(4000));
    }
    for (const LiveSession& s : live_.snapshot())
        logLine("atfs: session " + s.id + " of " + s.file +
                " could not be deleted before unmount; the next mount by this user removes it");
}

void SessionReaper::adopt(const LiveSession& session) {
    std::lock_guard lk(mu_);
    if (stopping_)
        return;  // unmount is under way: it deletes everything still live
    pending_[session.id] = session;
    if (!thread_.joinable())
        thread_ = std::thread([this] { run(); });
    wake_.notify_all();
}

void SessionReaper::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void SessionReaper::run() {
    auto delay = firstRetry_;
    std::unique_lock lk(mu_);
    while (!stopping_) {
        wake_.wait(lk, [this] { return stopping_ || !pending_.empty(); });
        if (stopping_)
            break;
        wake_.wait_for(lk, delay, [this] { return stopping_; });
        if (stopping_)
            break;
        std::vector<LiveSession> batch;
        for (auto& [id, s] : pending_)
            batch.push_back(s);
        lk.unlock();
        size_t deleted = 0;
        for (const LiveSession& s : batch) {
            if (deleteAndForget(s, "retry deleting session")) {
                logLine("atfs: deleted session " + s.id + " of " + s.file + " on retry");
                ++deleted;
                std::lock_guard relk(mu_);
                pending_.erase(s.id);
            }
        }
        lk.lock();
        // Back off while the service stays away; start over once it answers again.
        delay = deleted > 0 ? firstRetry_ : std::min(maxRetry_, delay * 2);
    }
}

}  // namespace atfs
