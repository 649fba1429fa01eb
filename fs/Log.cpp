#include "Log.h"

#include <syslog.h>

#include <atomic>
#include <cstdio>

namespace atfs {

namespace {
std::atomic<bool> useSyslog{false};
}

void logToSyslog(bool enabled) {
    if (enabled)
        openlog("atfs", LOG_PID, LOG_DAEMON);
    useSyslog = enabled;
}

void logLine(const std::string& line) {
    if (useSyslog) {
        syslog(LOG_WARNING, "%s", line.c_str());
        return;
    }
    // One fprintf per line so concurrent threads do not interleave within a line.
    std::fprintf(stderr, "atfs: %s\n", line.c_str());
}

}  // namespace atfs
