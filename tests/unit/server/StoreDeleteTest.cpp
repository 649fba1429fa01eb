#include <gtest/gtest.h>

#include "StoreTestSupport.h"

namespace atd::test {
namespace {

const at::Date kDay = *at::Date::parse("2017-07-25");

TEST(StoreDelete, CountsEventsAndStoredBytes) {
    TempDir dir;
    auto owned = std::make_unique<Store>(dir.path());
    Store& store = *owned;
    store.ingest("account", eventLine("a", "2017-07-24T09:00:00Z") +
                                eventLine("b", "2017-07-25T10:00:00Z") +
                                eventLine("c", "2017-07-25T10:30:00Z") +
                                eventLine("d", "2017-07-25T11:00:00Z") +
                                eventLine("e", "2017-07-26T12:00:00Z"));
    auto before = store.status("account", kDay, kDay).at(0);

    auto one = store.deleteRange("account", kDay, kDay, 10);
    EXPECT_EQ(one.count, 2u);
    EXPECT_EQ(one.bytes, before.hours[10].gzipSize);
    auto day = store.status("account", kDay, kDay).at(0);
    EXPECT_EQ(day.count, 1u);
    EXPECT_EQ(day.hours[10].count, 0u);

    auto rest = store.deleteRange("account", kDay, kDay.plusDays(1), std::nullopt);
    EXPECT_EQ(rest.count, 2u);
    auto left = store.status("account", std::nullopt, std::nullopt);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].date.str(), "2017-07-24");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/account/2017-07-25"));
    EXPECT_EQ(store.deleteRange("account", kDay, kDay, std::nullopt).count, 0u);

    owned.reset();
    Store reopened(dir.path());
    EXPECT_EQ(reopened.status("account", std::nullopt, std::nullopt).size(), 1u);
}

TEST(StoreLock, ASecondStoreOnTheSameFolderIsRefused) {
    TempDir dir;
    {
        Store first(dir.path());
        try {
            Store second(dir.path());
            ADD_FAILURE() << "two stores opened the same folder";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("in use by another atd"), std::string::npos);
        }
    }
    EXPECT_NO_THROW(Store again(dir.path()));
}

TEST(StoreDelete, RejectsABadHour) {
    TempDir dir;
    Store store(dir.path());
    EXPECT_THROW(store.deleteRange("account", kDay, kDay, 24), std::invalid_argument);
}

TEST(StoreRetention, DropsDaysOlderThanTodayMinusRetention) {
    TempDir dir;
    Store store(dir.path());
    const at::Date today = at::Date::todayUtc();
    std::string batch;
    for (int back : {0, 2, 3, 4, 30}) {
        batch += eventLine("e" + std::to_string(back),
                           today.plusDays(-back).str() + "T12:00:00.000+0000");
    }
    store.ingest("space-a", batch);
    store.ingest("space-b", batch);
    EXPECT_EQ(store.retention("space-a"), 0);

    store.setRetention("space-a", 3);  // keeps today-3 .. today
    EXPECT_EQ(store.retention("space-a"), 3);
    auto days = store.status("space-a", std::nullopt, std::nullopt);
    ASSERT_EQ(days.size(), 3u);
    EXPECT_EQ(days.front().date, today.plusDays(-3));
    EXPECT_EQ(store.status("space-b", std::nullopt, std::nullopt).size(), 5u);

    EXPECT_EQ(readFile(dir.path() / "events/space-a/options.json"), "{\"retention\":3}\n");
    EXPECT_EQ(store.retention("space-b"), 0);
    // A retention set on disk for space-b is applied by applyRetention across domains.
    std::ofstream(dir.path() / "events/space-b/options.json") << "{\"retention\":1}\n";
    auto dropped = store.applyRetention();
    EXPECT_EQ(dropped.count, 4u);  // days -2, -3, -4 and -30
    EXPECT_EQ(store.status("space-b", std::nullopt, std::nullopt).size(), 1u);
    EXPECT_THROW(store.setRetention("space-a", -1), std::invalid_argument);
    EXPECT_THROW(store.setRetention("space-a", 3651), std::invalid_argument);
}

}  // namespace
}  // namespace atd::test
