// Every session this mount holds right now: for .atfs/sessions.json, and so unmount can
// delete whatever is still open.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "at/Types.h"

namespace atfs {

struct LiveSession {
    std::string id;
    std::string file;  // path inside the mount
    at::Domain domain;
    std::shared_ptr<std::atomic<uint64_t>> bytes = std::make_shared<std::atomic<uint64_t>>(0);
};

class LiveSessions {
  public:
    void add(const LiveSession& s) {
        std::lock_guard lk(mu_);
        sessions_[s.id] = s;
    }
    void remove(const std::string& id) {
        std::lock_guard lk(mu_);
        sessions_.erase(id);
    }
    std::vector<LiveSession> snapshot() const {
        std::lock_guard lk(mu_);
        std::vector<LiveSession> out;
        for (auto& [id, s] : sessions_)
            out.push_back(s);
        return out;
    }

  private:
    mutable std::mutex mu_;
    std::map<std::string, LiveSession> sessions_;
};

}  // namespace atfs
