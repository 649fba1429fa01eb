// Sessions are scarce and the service never deletes them: a crashed atfs leaves its
// sessions behind. At start, delete sessions tagged by atfs on this host whose process is
// gone; never a session without our tag, of another host, or of a live mount.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "Backend.h"

namespace atfs {

struct SessionTag {
    std::string host;
    int pid = 0;
    std::string mountpoint;
};

std::string formatTag(const SessionTag& tag);  // "atfs host=H pid=P mnt=M"
std::optional<SessionTag> parseTag(const std::string& text);

// True when `pid` is a running atfs process (/proc/PID/comm is "atfs").
bool isAtfsProcess(int pid);

// Returns how many sessions were deleted; logs each, and any failure.
int deleteStaleSessions(Backend& backend, const at::Domain& listDomain, const std::string& host,
                        int selfPid, const std::function<bool(int pid)>& isLiveAtfs);

}  // namespace atfs
