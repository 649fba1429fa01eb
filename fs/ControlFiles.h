// The JSON of .atfs/status.json, sessions.json and stats.json.
#pragma once

#include <string>
#include <vector>

#include "MetadataCache.h"
#include "ReadStatus.h"
#include "Stats.h"
#include "session/LiveSessions.h"

namespace atfs {

std::string renderStatus(const std::string& endpoint, const at::SpaceList* spaces,
                         const MetadataCache::State& cache, int maxSessions, const std::string& tag,
                         const ReadStatus& read);
std::string renderSessions(const std::vector<LiveSession>& sessions);
std::string renderStats(const Stats& stats, uint64_t memoryUsed, uint64_t memoryTotal);

}  // namespace atfs
