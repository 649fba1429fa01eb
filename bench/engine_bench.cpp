// The read engine's speed over MemoryBackend (no network; every hour's gzip in memory, so
// "cold" means never read by this engine: fetched by Range and inflated for the first time):
//   sequential MB/s of ReadEngine (128 KiB reads, as FUSE asks) with 1, 2 (and N) inflate
//   workers, against plain isal_inflate of the same bytes on one thread, in turns, best of 3;
//   random 4 KiB reads (IOPS, p99) on a file never read before, and on one whose hours were
//   indexed by an earlier open (same engine context, cache off: the points are learned anew).
// Usage: engine_bench [MiB per hour, default 8] [seq: the sequential figures only]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#ifdef ATFS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "EngineFixture.h"

using namespace atfs;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

#ifdef ATFS_HAVE_ISAL
uint64_t isalAll(const std::string& gz, std::vector<char>& buf) {
    inflate_state s;
    uint64_t total = 0;
    size_t at = 0;
    while (at < gz.size()) {
        isal_inflate_init(&s);
        s.crc_flag = ISAL_GZIP;
        s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(gz.data() + at));
        s.avail_in = uint32_t(gz.size() - at);
        while (s.block_state != ISAL_BLOCK_FINISH) {
            s.next_out = reinterpret_cast<uint8_t*>(buf.data());
            s.avail_out = uint32_t(buf.size());
            if (isal_inflate(&s) != ISAL_DECOMP_OK)
                return 0;
            total += buf.size() - s.avail_out;
        }
        at = size_t(reinterpret_cast<const char*>(s.next_in) - gz.data());
    }
    return total;
}
#endif

struct Rig {
    MemoryBackend backend;
    Stats stats;
    SessionGate gate{30};
    LiveSessions live;
    SessionReaper reaper{backend, live, stats};
    LeaseContext leases{backend,
                        gate,
                        live,
                        reaper,
                        stats,
                        std::chrono::milliseconds(20000),
                        std::chrono::milliseconds(10000),
                        "bench"};
    MemoryBudget budget{256ull << 20};
    StreamContext stream{backend,
                         leases,
                         budget,
                         stats,
                         std::chrono::milliseconds(10000),
                         std::chrono::milliseconds(1000),
                         size_t(4) << 20,
                         uint64_t(16) << 20};
    at::Domain account{"", true};
    HourSpan span = HourSpan::ofDay(*at::Date::parse("2017-07-10"));

    std::unique_ptr<read::ReadEngine> open(read::EngineContext& ctx) {
        DayIndex idx;
        for (auto& d : backend.status(account, std::nullopt, std::nullopt))
            idx[d.date.days()] = d;
        return read::ReadEngine::open(ctx, account, "bench", planSegments(idx, span), idx,
                                      Format::Json);
    }
};

double sequential(Rig& rig, unsigned workers, uint64_t& bytes) {
    read::InflatePool pool(workers);
    read::EngineContext ctx{rig.stream, pool, nullptr, 64ull << 20};
    auto e = rig.open(ctx);
    std::string buf(128 << 10, '\0');
    // The clock starts after the first read: MemoryBackend's session create copies and counts
    // the whole day, which a real service does not do on the reader's time.
    bytes = uint64_t(e->read(0, buf.data(), buf.size()));
    const uint64_t first = bytes;
    const auto t0 = Clock::now();
    while (const ssize_t r = e->read(bytes, buf.data(), buf.size())) {
        if (r < 0)
            return 0;
        bytes += uint64_t(r);
    }
    const double s = seconds(t0);
    e->close();
    return s * double(bytes) / double(bytes - first);  // as if the first read took as long
}

void randomReads(Rig& rig, read::ReadEngine& e, uint64_t size, int count, const char* what) {
    std::mt19937_64 rng(1);
    std::vector<double> ms;
    std::string buf(4096, '\0');
    const auto t0 = Clock::now();
    for (int k = 0; k < count; ++k) {
        const auto t = Clock::now();
        e.read(rng() % (size - 4096), buf.data(), buf.size());
        ms.push_back(seconds(t) * 1000);
    }
    const double total = seconds(t0);
    std::sort(ms.begin(), ms.end());
    std::printf("random 4 KiB, %s: %.0f IOPS, p50 %.2f ms, p99 %.2f ms, max %.1f ms\n", what,
                count / total, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
    (void)rig;
}

}  // namespace

int main(int argc, char** argv) {
    const size_t perHour = size_t(argc > 1 ? std::atoi(argv[1]) : 8) << 20;
    Rig rig;
    const at::Date day = *at::Date::parse("2017-07-10");
    for (int h = 0; h < 24; ++h) {
        const int members = 1 + h % 4;  // one to four batches an hour, as the trail has
        for (int m = 0; m < members; ++m)
            rig.backend.addEvents("account", {day, h},
                                  hourdata::events(perHour / size_t(members), uint32_t(h * 5 + m)));
    }
    const std::string gz = rig.backend.rawGzip("account", rig.span.first, rig.span.last);
    std::printf("day: %.0f MB inflated, %.0f MB gzip, %u CPUs\n",
                double(rig.backend.inflated("account", rig.span.first, rig.span.last).size()) / 1e6,
                double(gz.size()) / 1e6, std::thread::hardware_concurrency());
    double best[3] = {1e9, 1e9, 1e9};
    uint64_t bytes = 0;
    for (int round = 0; round < 3; ++round) {
#ifdef ATFS_HAVE_ISAL
        std::vector<char> buf(128 << 10);
        const auto t0 = Clock::now();
        bytes = isalAll(gz, buf);
        best[0] = std::min(best[0], seconds(t0));
#endif
        best[1] = std::min(best[1], sequential(rig, 1, bytes));
        best[2] = std::min(best[2], sequential(rig, 2, bytes));
    }
    std::printf(
        "sequential, warm, best of 3: isal_inflate %.0f MB/s; engine 1 worker %.0f MB/s, "
        "2 workers %.0f MB/s (%.2fx isal, %.2fx 1 worker)\n",
        double(bytes) / best[0] / 1e6, double(bytes) / best[1] / 1e6, double(bytes) / best[2] / 1e6,
        best[0] / best[2], best[1] / best[2]);
    if (argc > 2 && std::string(argv[2]) == "seq")
        return 0;
    read::InflatePool pool(2);
    read::EngineContext ctx{rig.stream, pool, nullptr, 64ull << 20};
    auto e = rig.open(ctx);
    randomReads(rig, *e, bytes, 1000, "never read (fetch + index per hour)");
    randomReads(rig, *e, bytes, 4000, "hours indexed");
    e->close();
    rig.reaper.drain(std::chrono::milliseconds(5000));
}
