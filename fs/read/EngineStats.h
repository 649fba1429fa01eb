// The mount-wide engine counters behind engineCounters(), bumped by every open file.
#pragma once

#include <atomic>
#include <cstdint>

namespace atfs::read {

struct EngineAtomics {
    std::atomic<uint64_t> filesOpened{0};
    std::atomic<uint64_t> fallbacks{0};
    std::atomic<uint64_t> hoursFetched{0};
    std::atomic<uint64_t> hoursFromCache{0};
    std::atomic<uint64_t> rangeBytes{0};
};
EngineAtomics& engineAtomics();

}  // namespace atfs::read
