#include "session/SessionReaper.h"

#include <algorithm>

#include "ErrnoMap.h"
#include "Log.h"

namespace atfs {

SessionReaper::Outcome SessionReaper::deleteSession(Backend& backend, const at::Domain& domain,
                                                    const std::string& id, const std::string& file,
                                                    Stats* stats, const char* when) {
    try {
        backend.deleteSession(domain, id);
        if (stats)
            stats->sessionsDeleted++;
        return Outcome::Gone;
    } catch (const at::ApiError& e) {
        if (e.kind() == at::ErrorKind::NotFound)
            return Outcome::Gone;  // already gone: an idle timeout or another cleanup removed it
        if (stats)
            stats->errors++;
        reportError(when, file, id, e);
        return Outcome::Failed;
    }
}

SessionReaper::SessionReaper(Backend& backend, LiveSessions& live, Stats& stats,
                             ReaperTiming timing)
    : backend_(backend), live_(live), stats_(stats), timing_(std::move(timing)) {}

SessionReaper::~SessionReaper() {
    stopThread();
}

bool SessionReaper::attempt(Pending& p, const char* when) {
    const LiveSession& s = p.released.session;
    const bool gone =
        deleteSession(backend_, s.domain, s.id, s.file, &stats_, when) == Outcome::Gone;
    if (gone)
        live_.remove(s.id);
    p.tried = true;
    p.released.slot.reset();  // after the first attempt, whatever it said
    return gone;
}

void SessionReaper::releaseNow(ReleasedSession released) {
    Pending p{std::move(released), timing_.now(), timing_.firstRetry};
    if (attempt(p, "delete session (retried in the background and at unmount)"))
        return;
    p.due = timing_.now() + p.delay;
    std::lock_guard lk(mu_);
    const std::string id = p.released.session.id;
    pending_.emplace(id, std::move(p));
    newWork_ = true;
    if (timing_.background && !stopping_ && !thread_.joinable())
        thread_ = std::thread([this] { run(); });
    wake_.notify_all();
}

void SessionReaper::releaseLater(ReleasedSession released) {
    std::lock_guard lk(mu_);
    const std::string id = released.session.id;
    pending_.emplace(id, Pending{std::move(released), timing_.now(), timing_.firstRetry});
    newWork_ = true;
    if (timing_.background && !stopping_ && !thread_.joinable())
        thread_ = std::thread([this] { run(); });
    wake_.notify_all();
}

size_t SessionReaper::pending() const {
    std::lock_guard lk(mu_);
    return pending_.size();
}

std::optional<std::chrono::steady_clock::time_point> SessionReaper::retryDue() {
    const auto now = timing_.now();
    std::vector<Pending> due;
    {
        std::lock_guard lk(mu_);
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (it->second.due <= now) {
                inFlightIds_.insert(it->first);
                due.push_back(std::move(it->second));
                it = pending_.erase(it);
                ++inFlight_;
            } else {
                ++it;
            }
        }
    }
    std::vector<Pending> failed;
    for (Pending& p : due) {
        const bool retry = p.tried;
        if (attempt(p, retry ? "retry deleting session"
                             : "delete session (retried in the background and at unmount)")) {
            if (retry) {
                logLine("atfs: deleted session " + p.released.session.id + " of " +
                        p.released.session.file + " on retry");
            }
            continue;
        }
        // Back off while the service stays away.
        p.due = timing_.now() + p.delay;
        p.delay = std::min(timing_.maxRetry, p.delay * 2);
        failed.push_back(std::move(p));
    }
    std::lock_guard lk(mu_);
    for (Pending& p : failed) {
        const std::string id = p.released.session.id;
        pending_.emplace(id, std::move(p));
    }
    inFlight_ -= due.size();
    for (const Pending& p : due)
        inFlightIds_.erase(p.released.session.id);
    settled_.notify_all();
    std::optional<std::chrono::steady_clock::time_point> next;
    for (const auto& [id, p] : pending_)
        next = next ? std::min(*next, p.due) : p.due;
    return next;
}

void SessionReaper::run() {
    std::unique_lock lk(mu_);
    while (!stopping_) {
        newWork_ = false;
        lk.unlock();
        const auto next = retryDue();
        lk.lock();
        auto woken = [this] { return stopping_ || newWork_; };
        if (next)
            wake_.wait_until(lk, *next, woken);
        else
            wake_.wait(lk, woken);
    }
}

void SessionReaper::awaitTried(const std::string& id) {
    std::unique_lock lk(mu_);
    auto tried = [&] {
        auto it = pending_.find(id);
        return (it == pending_.end() || it->second.tried) && !inFlightIds_.count(id);
    };
    if (tried())
        return;
    if (!timing_.background) {
        lk.unlock();
        retryDue();
        lk.lock();
    }
    settled_.wait(lk, tried);
}

void SessionReaper::settle() {
    retryDue();
    std::unique_lock lk(mu_);
    settled_.wait(lk, [this] { return inFlight_ == 0; });
}

void SessionReaper::stopThread() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void SessionReaper::drain(std::chrono::milliseconds bound) {
    stopThread();
    {
        // Their slots go back now: nobody queues for one at unmount.
        std::lock_guard lk(mu_);
        for (auto& [id, p] : pending_)
            p.released.slot.reset();
        pending_.clear();
    }
    const auto deadline = timing_.now() + bound;
    auto pause = std::chrono::milliseconds(250);
    for (;;) {
        size_t left = 0;
        for (const LiveSession& s : live_.snapshot()) {
            if (deleteSession(backend_, s.domain, s.id, s.file, &stats_,
                              "delete session at unmount") == Outcome::Gone) {
                live_.remove(s.id);
            } else {
                ++left;
            }
        }
        if (left == 0 || timing_.now() + pause > deadline)
            break;
        timing_.sleep(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(4000));
    }
    for (const LiveSession& s : live_.snapshot())
        logLine("atfs: session " + s.id + " of " + s.file +
                " could not be deleted before unmount; the next mount by this user removes it");
}

}  // namespace atfs
