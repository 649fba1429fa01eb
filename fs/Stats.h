// Mount-wide counters for .atfs/stats.json. Plain atomics: updated on hot paths.
#pragma once

#include <atomic>
#include <cstdint>

namespace atfs {

struct Stats {
    std::atomic<uint64_t> sessionsCreated{0};
    std::atomic<uint64_t> sessionsDeleted{0};
    std::atomic<uint64_t> bytesIn{0};   // download bytes received (gzip)
    std::atomic<uint64_t> bytesOut{0};  // bytes handed to readers
    std::atomic<uint64_t> errors{0};
    std::atomic<uint64_t> restarts{0};     // streams restarted by a far seek
    std::atomic<uint64_t> windowReads{0};  // backward reads served from the read window
    std::atomic<uint64_t> skips{0};        // forward reads reached by reading through
    std::atomic<uint64_t> gateWaits{0};    // session creations that had to queue
    std::atomic<uint64_t> follows{0};      // reads at the end of a live file that found more
};

}  // namespace atfs
