// Every live session, persisted one file per session (DATA/sessions/ID.json) so sessions and
// their pinned snapshots survive a restart. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "service/Session.h"
#include "store/Store.h"

namespace atd {

class SessionRegistry {
  public:
    // The legacy service's limit: live sessions per user and X-Auth-Project-Id space.
    static constexpr size_t kMaxSessionsPerUserAndSpace = 30;
    static constexpr int kRetryAfterSeconds = 5;

    SessionRegistry(Store& store, std::filesystem::path dir);

    // Loads every session file and re-takes its snapshot's references; a file that cannot be
    // read is reported on `log` and moved aside (ID.json.bad), never silently dropped.
    size_t restore(std::ostream& log);

    // Pins the snapshot and stores the session, unless the owner already has the maximum in
    // that space (ApiError 429 with Retry-After). `draft` has everything but id, times, snapshot.
    Session create(Session draft);

    // The session if `user` owns it; nullopt for unknown ids and other users' sessions alike.
    std::optional<Session> find(const std::string& id, const std::string& user) const;
    // Like find, and marks the session as used now (downloads). With `retainSnapshot`, also
    // takes a reference on its files while the session is known to exist, so a concurrent
    // delete cannot remove them before the caller opens them; the caller must release it.
    std::optional<Session> touch(const std::string& id, const std::string& user,
                                 bool retainSnapshot = false);
    std::vector<Session> listOf(const std::string& user) const;  // oldest first
    bool remove(const std::string& id, const std::string& user);

    // Deletes sessions not accessed for `idle`; returns how many.
    size_t removeIdle(std::chrono::seconds idle);
    size_t size() const;

  private:
    // `durable`: fsync before the rename. Creation needs it; an access-time update does not.
    void persistLocked(const Session& session, bool durable = true) const;
    void eraseLocked(std::map<std::string, Session>::iterator it);

    Store& store_;
    std::filesystem::path dir_;
    mutable std::mutex mutex_;
    std::map<std::string, Session> byId_;
};

}  // namespace atd
