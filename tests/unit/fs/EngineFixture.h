// A read engine over a MemoryBackend: the mount-wide services it needs (gate, reaper, budget,
// pool, cache), test data whose hours have one member and several (one longer than
// sizes::kMaxMemberBlock), and readers that drive it as the kernel would.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "HourData.h"
#include "MemoryBackend.h"
#include "read/HourCache.h"
#include "read/InflatePool.h"
#include "read/ReadEngine.h"

namespace atfs::test {

inline at::Date Day(const char* s) {
    return *at::Date::parse(s);
}

// The big day's members' text, made once for every test.
inline const std::vector<std::vector<std::string>>& bigDayMembers() {
    static const auto members = [] {
        std::vector<std::vector<std::string>> hours(24);
        for (int h = 0; h < 24; ++h) {
            const int count = h == 5 ? 1 : 1 + h % 3;
            const size_t each = h == 5 ? (17u << 20) : (1u << 20) / size_t(count);
            for (int m = 0; m < count; ++m)
                hours[size_t(h)].push_back(hourdata::events(each, uint32_t(h * 7 + m)));
        }
        return hours;
    }();
    return members;
}

struct EngineRig {
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
                        "atfs test"};
    MemoryBudget budget{512ull << 20};
    StreamContext stream{backend,
                         leases,
                         budget,
                         stats,
                         std::chrono::milliseconds(10000),
                         std::chrono::milliseconds(1000),
                         size_t(4) << 20,
                         uint64_t(16) << 20};
    std::unique_ptr<read::InflatePool> pool;
    std::unique_ptr<read::HourCache> cache;
    std::filesystem::path cacheDir;
    std::unique_ptr<read::EngineContext> ctx;
    at::Domain account{"", true};

    // The big day: 24 hours of 1 MiB in one, two or three members; hour 5 one member of
    // 17 MiB. A 40-day range of small hours (three segments). All of the account.
    explicit EngineRig(unsigned workers, bool withCache = false) {
        const at::Date big = Day("2017-07-10");
        for (int h = 0; h < 24; ++h)
            for (const std::string& member : bigDayMembers()[size_t(h)])
                backend.addEvents("account", {big, h}, member);
        for (at::Date d = Day("2017-05-01"); d < Day("2017-06-10"); d = d.plusDays(1))
            for (int h : {2, 9, 17})
                backend.addGeneratedEvents("account", {d, h}, 3 + d.day() % 5, 200, 1);
        pool = std::make_unique<read::InflatePool>(workers);
        if (withCache) {
            cacheDir = std::filesystem::temp_directory_path() /
                       ("atfs-engine-test-" + std::to_string(::getpid()) + "-" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
            std::filesystem::remove_all(cacheDir);
            cache = std::make_unique<read::HourCache>(cacheDir, 1ull << 30);
        }
        ctx = std::make_unique<read::EngineContext>(
            read::EngineContext{stream, *pool, cache.get(), 64ull << 20});
    }
    ~EngineRig() {
        reaper.drain(std::chrono::milliseconds(5000));
        cache.reset();
        if (!cacheDir.empty())
            std::filesystem::remove_all(cacheDir);
    }

    DayIndex index() {
        DayIndex idx;
        for (auto& d : backend.status(account, std::nullopt, std::nullopt))
            idx[d.date.days()] = d;
        return idx;
    }
    std::unique_ptr<read::ReadEngine> open(HourSpan span, Format f = Format::Json) {
        const DayIndex idx = index();
        auto e =
            read::ReadEngine::open(*ctx, account, "account/test", planSegments(idx, span), idx, f);
        EXPECT_TRUE(e);
        return e;
    }
    std::string expected(HourSpan span, Format f = Format::Json) {
        return f == Format::Json ? backend.inflated("account", span.first, span.last)
                                 : backend.rawGzip("account", span.first, span.last);
    }
};

inline HourSpan bigDay() {
    return HourSpan::ofDay(Day("2017-07-10"));
}
inline HourSpan fortyDays() {
    return {HourSpan::ofDay(Day("2017-05-01")).first, HourSpan::ofDay(Day("2017-06-09")).last};
}

// Reads [0, end) in `chunk`-sized requests, as cat does.
inline std::string readAll(read::ReadEngine& e, size_t chunk = 128 << 10) {
    std::string out, buf(chunk, '\0');
    for (;;) {
        const ssize_t r = e.read(out.size(), buf.data(), chunk);
        EXPECT_GE(r, 0);
        if (r <= 0)
            break;
        out.append(buf.data(), size_t(r));
    }
    return out;
}

inline std::string readAt(read::ReadEngine& e, uint64_t off, size_t n) {
    std::string buf(n, '\0');
    size_t got = 0;
    while (got < n) {  // a short read is allowed; the kernel asks again
        const ssize_t r = e.read(off + got, buf.data() + got, n - got);
        EXPECT_GE(r, 0) << "offset " << off + got;
        if (r <= 0)
            break;
        got += size_t(r);
    }
    buf.resize(got);
    return buf;
}

}  // namespace atfs::test
