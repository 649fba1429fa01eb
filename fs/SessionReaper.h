// Sessions whose DELETE failed (service down or restarting, connection dropped) are not
// forgotten: they stay listed as live, are retried in the background with backoff, and once
// more at unmount, so a service restart while atfs runs leaves nothing behind on the server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "Backend.h"
#include "LiveSessions.h"
#include "Stats.h"

namespace atfs {

class SessionReaper {
  public:
    SessionReaper(Backend& backend, LiveSessions& live, Stats& stats,
                  std::chrono::milliseconds firstRetry = std::chrono::seconds(1),
                  std::chrono::milliseconds maxRetry = std::chrono::seconds(30));
    ~SessionReaper();
    SessionReaper(const SessionReaper&) = delete;
    SessionReaper& operator=(const SessionReaper&) = delete;

    // Takes over a session whose delete just failed; it stays in LiveSessions until deleted.
    void adopt(const LiveSession& session);
    // Stops the background retries.
    void stop();
    // Unmount: stops the background retries, then deletes every session still live, retrying
    // with backoff within `bound` (the service may be restarting); logs what is left.
    void drain(std::chrono::milliseconds bound);

    // One delete attempt: true when the session is gone (deleted now, or already unknown).
    static bool deleteOnce(Backend& backend, const LiveSession& session, Stats& stats,
                           const char* when);

  private:
    void run();
    // deleteOnce, and out of LiveSessions when it worked.
    bool deleteAndForget(const LiveSession& session, const char* when);

    Backend& backend_;
    LiveSessions& live_;
    Stats& stats_;
    const std::chrono::milliseconds firstRetry_;
    const std::chrono::milliseconds maxRetry_;
    std::mutex mu_;
    std::condition_variable wake_;
    std::map<std::string, LiveSession> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace atfs
