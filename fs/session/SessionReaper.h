// The only code that deletes sessions. A released session (from its SessionLease) is deleted
// at once; one whose DELETE fails (service down or restarting, connection dropped) is not
// forgotten: it stays listed as live, is retried with backoff, and once more at unmount, so
// a service restart while atfs runs leaves nothing behind on the server. Stale cleanup at
// start uses the same delete step, so "NotFound means gone" is said once, here.
//
// Time is injected (Clock, Sleep) so the retries are tested without waiting; a reaper built
// without a background thread is driven by calling retryDue().
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "Backend.h"
#include "Stats.h"
#include "session/LiveSessions.h"
#include "session/SessionGate.h"

namespace atfs {

// A session given back by its lease: the reaper deletes it, then frees its slot.
struct ReleasedSession {
    LiveSession session;
    GateSlot slot;  // empty when the lease's successor kept it
};

struct ReaperTiming {
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    std::chrono::milliseconds firstRetry{1000};  // after a failed delete; doubles per failure
    std::chrono::milliseconds maxRetry{30000};
    Clock now = [] { return std::chrono::steady_clock::now(); };
    Sleep sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    bool background = true;  // a thread runs retryDue(); tests without one call it themselves
};

class SessionReaper {
  public:
    enum class Outcome { Gone, Failed };
    // The one delete step: Gone when deleted now or already unknown to the service (an idle
    // timeout or another cleanup removed it); Failed is logged with `when` and counted.
    static Outcome deleteSession(Backend& backend, const at::Domain& domain, const std::string& id,
                                 const std::string& file, Stats* stats, const char* when);

    SessionReaper(Backend& backend, LiveSessions& live, Stats& stats, ReaperTiming timing = {});
    ~SessionReaper();
    SessionReaper(const SessionReaper&) = delete;
    SessionReaper& operator=(const SessionReaper&) = delete;

    // The first DELETE on the caller's thread (never under a stream's mutex); on failure the
    // session stays live and is retried. The slot is freed after that first attempt either
    // way: readers must not wait on a service that is away.
    void releaseNow(ReleasedSession released);
    // All on the reaper's thread (or the next retryDue()): for releases from a destructor,
    // which may run under a lock.
    void releaseLater(ReleasedSession released);

    // Deletes every session whose retry is due now; returns when the next one is due.
    std::optional<std::chrono::steady_clock::time_point> retryDue();
    size_t pending() const;
    // Returns once every delete due now has been tried (here or on the reaper's thread): a
    // stream's close waits for the sessions it released while reading on.
    void settle();
    // Returns once the first delete of `id` (given to releaseLater) has been tried.
    void awaitTried(const std::string& id);

    // Unmount: stops the thread, then deletes every session still live (those of streams
    // inside a read, and the pending retries), retrying with backoff within `bound`; logs
    // what is left for the next mount's stale cleanup.
    void drain(std::chrono::milliseconds bound);

  private:
    struct Pending {
        ReleasedSession released;
        std::chrono::steady_clock::time_point due;
        std::chrono::milliseconds delay;
        bool tried = false;
    };
    bool attempt(Pending& p, const char* when);  // true when gone: unregistered
    void run();
    void stopThread();

    Backend& backend_;
    LiveSessions& live_;
    Stats& stats_;
    const ReaperTiming timing_;
    mutable std::mutex mu_;  // after a stream's mutex and the gate's; never held over HTTP
    std::condition_variable wake_;
    std::map<std::string, Pending> pending_;
    size_t inFlight_ = 0;  // taken out of pending_ by retryDue(), being tried
    std::set<std::string> inFlightIds_;
    std::condition_variable settled_;
    bool newWork_ = false;
    bool stopping_ = false;
    std::thread thread_;  // started by the first session that needs it
};

}  // namespace atfs
