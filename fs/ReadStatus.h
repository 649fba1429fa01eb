// What the read engine and the disk cache report in .atfs/status.json and .atfs/metrics.
#pragma once

#include <cstdint>
#include <string>

#include "read/HourCache.h"
#include "read/ReadEngine.h"

namespace atfs {

struct ReadStatus {
    bool diskCache = false;  // on, and its folder accepted
    std::string cacheDir;
    uint64_t cacheMaxBytes = 0;
    read::CacheCounters cache;
    unsigned inflateThreads = 0;
    read::EngineCounters engine;
};

}  // namespace atfs
