// ReadEngine content against ground truth for every read pattern (sequential, reverse 4 KiB
// blocks, random preads from several threads) over a day, an hour, a 40-day range (three
// sessions) and the .gz twin, with 1, 2 and 8 inflate workers; and no session left after.
#include <atomic>
#include <random>
#include <thread>

#include "EngineFixture.h"
#include "read/EngineSizes.h"

using namespace atfs;
using namespace atfs::test;

namespace {

class ReadEngineWorkers : public ::testing::TestWithParam<unsigned> {};

void expectNoSessionLeft(EngineRig& rig) {
    rig.reaper.settle();
    EXPECT_TRUE(rig.backend.liveSessions().empty());
    EXPECT_TRUE(rig.live.snapshot().empty());
}

}  // namespace

TEST_P(ReadEngineWorkers, SequentialReadsAreExact) {
    EngineRig rig(GetParam());
    for (Format f : {Format::Json, Format::JsonGz}) {
        const std::string want = rig.expected(bigDay(), f);
        auto e = rig.open(bigDay(), f);
        const std::string got = readAll(*e);
        ASSERT_EQ(got.size(), want.size());
        EXPECT_TRUE(got == want) << (f == Format::Json ? "json" : "gz");
        EXPECT_EQ(e->sessionsCreated(), 1);
        e->close();
        expectNoSessionLeft(rig);
    }
    EXPECT_EQ(rig.budget.used(), 0u) << "every block's budget given back";
}

TEST_P(ReadEngineWorkers, ReverseBlocksAreExact) {
    EngineRig rig(GetParam());
    const std::string want = rig.expected(bigDay());
    auto e = rig.open(bigDay());
    // From the end back to 24 MiB before it (the 17 MiB member and a few hours before it
    // are crossed from their ends), 4 KiB at a time.
    const uint64_t stop = want.size() - (24u << 20);
    for (uint64_t end = want.size(); end > stop; end -= std::min<uint64_t>(end, 4096)) {
        const uint64_t off = end >= 4096 ? end - 4096 : 0;
        const std::string got = readAt(*e, off, size_t(end - off));
        ASSERT_TRUE(got == want.substr(off, end - off)) << "offset " << off;
    }
    e->close();
    expectNoSessionLeft(rig);
}

TEST_P(ReadEngineWorkers, ConcurrentRandomPreadsAreExact) {
    EngineRig rig(GetParam());
    const std::string want = rig.expected(bigDay());
    auto e = rig.open(bigDay());
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    // 10,000 in all with 2 workers; 2,000 with 1 and 8 (each costs ~1 ms of inflate: the suite
    // stays fast).
    const int each = GetParam() == 2 ? 2500 : 500;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(uint64_t(t) + 1);
            std::string buf(8192, '\0');
            for (int k = 0; k < each; ++k) {
                const uint64_t off = rng() % (want.size() + 100);
                const size_t n = 1 + rng() % 8192;
                const ssize_t r = e->read(off, buf.data(), n);
                const size_t expect =
                    off >= want.size() ? 0 : std::min<size_t>(n, want.size() - off);
                if (r != ssize_t(expect) || want.compare(off, expect, buf.data(), expect) != 0)
                    wrong++;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_LE(e->sessionsCreated(), 1);
    e->close();
    expectNoSessionLeft(rig);
}

TEST_P(ReadEngineWorkers, ConcurrentSequentialAndRandomReadersAgree) {
    EngineRig rig(GetParam());
    const std::string want = rig.expected(bigDay());
    auto e = rig.open(bigDay());
    std::atomic<int> wrong{0};
    std::thread cat([&] {
        if (readAll(*e) != want)
            wrong++;
    });
    std::thread random([&] {
        std::mt19937_64 rng(9);
        for (int k = 0; k < 500; ++k) {
            const uint64_t off = rng() % want.size();
            if (readAt(*e, off, 4096) != want.substr(off, 4096))
                wrong++;
        }
    });
    cat.join();
    random.join();
    EXPECT_EQ(wrong.load(), 0);
    e->close();
    expectNoSessionLeft(rig);
}

INSTANTIATE_TEST_SUITE_P(Workers, ReadEngineWorkers, ::testing::Values(1u, 2u, 8u));

TEST(ReadEngine, FortyDaysChainThreeSessions) {
    EngineRig rig(2);
    for (Format f : {Format::Json, Format::JsonGz}) {
        const auto before = rig.backend.counters();
        auto e = rig.open(fortyDays(), f);
        EXPECT_TRUE(readAll(*e, 4096) == rig.expected(fortyDays(), f));
        EXPECT_EQ(e->sessionsCreated(), 3);  // 15 + 15 + 10 days
        e->close();
        expectNoSessionLeft(rig);
        EXPECT_LE(rig.backend.counters().maxLivePerDomain - before.maxLivePerDomain, 2);
    }
    // Random reads across segments move the one lease back and forth.
    const std::string want = rig.expected(fortyDays());
    auto e = rig.open(fortyDays());
    std::mt19937_64 rng(5);
    for (int k = 0; k < 200; ++k) {
        const uint64_t off = rng() % want.size();
        ASSERT_EQ(readAt(*e, off, 300), want.substr(off, 300)) << off;
    }
    e->close();
    expectNoSessionLeft(rig);
}

TEST(ReadEngine, AnHourFileAndItsEnd) {
    EngineRig rig(2);
    const HourSpan hour = HourSpan::ofHour({Day("2017-07-10"), 5});  // the 17 MiB member
    const std::string want = rig.expected(hour);
    auto e = rig.open(hour);
    EXPECT_EQ(readAt(*e, want.size() - 10, 4096), want.substr(want.size() - 10));
    EXPECT_EQ(readAt(*e, want.size(), 4096), "");
    EXPECT_EQ(readAt(*e, want.size() + 5, 4096), "");
    EXPECT_TRUE(readAll(*e, 1000003) == want);
    e->close();
    auto empty = rig.open(HourSpan::ofHour({Day("2017-07-11"), 5}));
    EXPECT_EQ(readAt(*empty, 0, 4096), "");
    EXPECT_EQ(empty->sessionsCreated(), 0);
    expectNoSessionLeft(rig);
}

TEST(ReadEngine, RandomReadsOnTheGzTwinAreExact) {
    EngineRig rig(2);
    const std::string want = rig.expected(bigDay(), Format::JsonGz);
    auto e = rig.open(bigDay(), Format::JsonGz);
    std::mt19937_64 rng(3);
    for (int k = 0; k < 300; ++k) {
        const uint64_t off = rng() % want.size();
        ASSERT_EQ(readAt(*e, off, 20000), want.substr(off, 20000)) << off;
    }
    e->close();
    expectNoSessionLeft(rig);
}

TEST(ReadEngine, UnknownSizesGiveNoEngine) {
    EngineRig rig(1);
    rig.backend.setReportSizes(false);
    const DayIndex idx = rig.index();
    EXPECT_EQ(read::ReadEngine::open(*rig.ctx, rig.account, "f", planSegments(idx, bigDay()), idx,
                                     Format::Json),
              nullptr);
}

TEST(InflatePool, SizesToTheCpusAndRunsEveryTask) {
    EXPECT_GE(read::InflatePool(0).threads(), 1u);
    EXPECT_EQ(read::InflatePool(3).threads(), 3u);
    std::atomic<int> ran{0};
    {
        read::InflatePool pool(2);
        for (int i = 0; i < 100; ++i)
            pool.submit([&] { ran++; });
    }
    EXPECT_EQ(ran.load(), 100);
}
