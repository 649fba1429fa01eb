// Mount-wide counters for .atfs/stats.json and .atfs/metrics. Plain atomics: updated on hot
// paths.
#pragma once

#include <atomic>
#include <cstdint>

#include "Histogram.h"

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
    std::atomic<uint64_t> limitWaits{0};   // 429s from the service waited out (Retry-After)
    std::atomic<uint64_t> follows{0};      // reads at the end of a live file that found more
    std::atomic<uint64_t> filesOpened{0};  // data files opened (control files not counted)
    // One read() of a data file, from the kernel's request to the reply: mostly the wait for
    // the download, so the bounds reach from a window hit to a stalled service.
    Histogram readSeconds{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30};
    // A wait in line for a session slot (max_sessions), from queueing to the slot or giving up.
    Histogram queueWaitSeconds{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    // A download request to its first byte: the service's latency as a reader feels it.
    Histogram firstByteSeconds{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
};

}  // namespace atfs
