// Status must stay cheap on a realistic account (it never inflates), and concurrent ingests,
// pins and status calls must only ever see whole batches.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "StoreTestSupport.h"
#include "store/DayIndex.h"

namespace atd::test {
namespace {

namespace fs = std::filesystem;

TEST(StoreScale, StatusOver90DaysAnd20DomainsTakesMilliseconds) {
    TempDir dir;
    // Indexes written directly: status reads nothing else, and 1800 fsynced ingests would only
    // measure the disk.
    const at::Date first = *at::Date::parse("2017-05-01");
    std::vector<std::string> domains = {kAccountDomain};
    for (int i = 1; i < 20; ++i)
        domains.push_back("space-" + std::to_string(i));
    for (const auto& domain : domains) {
        for (int day = 0; day < 90; ++day) {
            DayIndex index;
            for (int h = 0; h < 24; ++h) {
                index.hours[size_t(h)] = HourEntry{1, 100, 50000, 6000, 0, 0};
            }
            fs::path dayDir = dir.path() / "events" / domain / first.plusDays(day).str();
            fs::create_directories(dayDir);
            std::ofstream(dayDir / "index.json") << index.toJson();
        }
    }
    Store store(dir.path());
    auto statusAll = [&] {
        uint64_t count = 0;
        for (const auto& domain : domains) {
            for (const auto& day : store.status(domain, std::nullopt, std::nullopt)) {
                count += day.count;
            }
        }
        return count;
    };
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(statusAll(), 20u * 90 * 24 * 100);  // first call loads the indexes
    auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(statusAll(), 20u * 90 * 24 * 100);  // then answers from memory
    auto t2 = std::chrono::steady_clock::now();
    const double loadMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
    const double cachedMs = std::chrono::duration<double, std::milli>(t2 - t1).count();
    RecordProperty("load_ms", std::to_string(loadMs));
    RecordProperty("cached_ms", std::to_string(cachedMs));
    std::printf("status 20 domains x 90 days: first %.1f ms, cached %.2f ms\n", loadMs, cachedMs);
    // Generous bound: the machine running the tests is shared.
    EXPECT_LT(cachedMs, 50.0);
}

TEST(StoreScale, ConcurrentIngestsPinsAndStatusSeeWholeBatches) {
    TempDir dir;
    Store store(dir.path());
    constexpr int kBatches = 15, kPerBatch = 12;
    const at::Date day = *at::Date::parse("2017-07-25");
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    auto writer = [&](const std::string& domain, int salt) {
        for (int b = 0; b < kBatches; ++b) {
            std::string batch;
            for (int i = 0; i < kPerBatch; ++i) {
                char t[64];
                // Alternating forward and backward in time: both fast and merge paths.
                int minute = (b % 2) ? (59 - b) : b;
                std::snprintf(t, sizeof t, "2017-07-25T%02d:%02d:%02d.000Z", 9 + i % 3, minute, i);
                batch += eventLine(domain + std::to_string(salt) + "-" + std::to_string(b) + "-" +
                                       std::to_string(i),
                                   t);
            }
            store.ingest(domain, batch);
        }
    };
    auto reader = [&] {
        while (!done) {
            for (const std::string domain : {"account", "space-x"}) {
                auto snap = store.pin(domain, day, day, std::nullopt);
                if (snap.count % kPerBatch != 0)
                    ++torn;
                std::string text = gunzipAll(snapshotBytes(store, snap));
                if (splitLines(text).size() != snap.count)
                    ++torn;
                store.release(snap);
                for (const auto& d : store.status(domain, std::nullopt, std::nullopt)) {
                    if (d.count % kPerBatch != 0)
                        ++torn;
                }
            }
        }
    };
    std::thread r(reader);
    std::thread w1(writer, "account", 1), w2(writer, "account", 2), w3(writer, "space-x", 3);
    w1.join();
    w2.join();
    w3.join();
    done = true;
    r.join();
    EXPECT_EQ(torn, 0);
    EXPECT_EQ(store.status("account", day, day).at(0).count, 2u * kBatches * kPerBatch);
    EXPECT_EQ(store.status("space-x", day, day).at(0).count, 1u * kBatches * kPerBatch);
    // Every superseded generation was removed once unpinned: one file per hour remains.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path() / "events/account/2017-07-25")) {
        files += e.path().extension() == ".gz";
    }
    EXPECT_EQ(files, 3u);
}

}  // namespace
}  // namespace atd::test
