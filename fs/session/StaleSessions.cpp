#include "session/StaleSessions.h"

#include <fstream>

#include "ErrnoMap.h"
#include "Log.h"
#include "session/SessionReaper.h"

namespace atfs {

std::string formatTag(const SessionTag& t) {
    return "atfs host=" + t.host + " pid=" + std::to_string(t.pid) + " mnt=" + t.mountpoint;
}

std::optional<SessionTag> parseTag(const std::string& text) {
    const std::string prefix = "atfs host=";
    if (!text.starts_with(prefix))
        return std::nullopt;
    const size_t pidAt = text.find(" pid=", prefix.size());
    if (pidAt == std::string::npos)
        return std::nullopt;
    const size_t mntAt = text.find(" mnt=", pidAt);
    if (mntAt == std::string::npos)
        return std::nullopt;
    SessionTag t;
    t.host = text.substr(prefix.size(), pidAt - prefix.size());
    const std::string pid = text.substr(pidAt + 5, mntAt - pidAt - 5);
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    t.pid = std::stoi(pid);
    t.mountpoint = text.substr(mntAt + 5);
    return t;
}

bool isAtfsProcess(int pid) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return comm && std::getline(comm, name) && name == "atfs";
}

int deleteStaleSessions(Backend& backend, const at::Domain& listDomain, const std::string& host,
                        int selfPid, const std::function<bool(int)>& isLiveAtfs) {
    int deleted = 0;
    std::vector<at::Session> sessions;
    try {
        sessions = backend.listSessions(listDomain);
    } catch (const at::ApiError& e) {
        reportError("list sessions for stale cleanup", "/", "", e);
        return 0;
    }
    for (const at::Session& s : sessions) {
        auto tag = parseTag(s.tag);
        if (!tag || tag->host != host)
            continue;
        // Our own pid cannot have sessions yet: a match is a dead process's reused pid.
        if (tag->pid != selfPid && isLiveAtfs(tag->pid))
            continue;
        // The reaper's delete step: the same "NotFound means gone" as every other delete.
        if (SessionReaper::deleteSession(backend, at::Domain{s.space, s.accountLevel}, s.id,
                                         tag->mountpoint, nullptr,
                                         "delete stale session") == SessionReaper::Outcome::Gone) {
            logLine("deleted stale session " + s.id + " left by atfs pid " +
                    std::to_string(tag->pid) + " (mount " + tag->mountpoint + ")");
            deleted++;
        }
    }
    return deleted;
}

}  // namespace atfs
