// .atfs/metrics: the mount's counters in the Prometheus text exposition format (0.0.4), for
// node_exporter's textfile collector or any scraper that can read a file. Only what the mount
// measures; there is no cache yet, so no cache metrics.
#pragma once

#include <string>
#include <vector>

#include "session/LiveSessions.h"
#include "Stats.h"

namespace atfs {

struct MetricsInput {
    const Stats& stats;
    uint64_t memoryUsed = 0;
    uint64_t memoryBudget = 0;
    int sessionSlotsPerDomain = 0;
    std::vector<LiveSession> live;
};

std::string renderMetrics(const MetricsInput& in);

}  // namespace atfs
