// .atfs/metrics: the mount's counters in the Prometheus text exposition format (0.0.4), for
// node_exporter's textfile collector or any scraper that can read a file. Only what the mount
// measures.
#pragma once

#include <string>
#include <vector>

#include "ReadStatus.h"
#include "Stats.h"
#include "session/LiveSessions.h"

namespace atfs {

struct MetricsInput {
    const Stats& stats;
    uint64_t memoryUsed = 0;
    uint64_t memoryBudget = 0;
    int sessionSlotsPerDomain = 0;
    std::vector<LiveSession> live;
    ReadStatus read;
};

std::string renderMetrics(const MetricsInput& in);

}  // namespace atfs
