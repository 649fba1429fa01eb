#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "StoreTestSupport.h"

namespace atd::test {
namespace {

TEST(StoreIngest, RoundTripThroughPinInEventTimeOrder) {
    TempDir dir;
    Store store(dir.path());
    // Two days, several hours, given out of order within the batch.
    std::string batch = eventLine("c", "2017-07-25T10:29:28.541+0000") +
                        eventLine("a", "2017-07-25T10:05:00.000+0000") + "\n" +
                        eventLine("d", "2017-07-26T00:00:00.000Z") +
                        eventLine("b", "2017-07-25T10:05:00.000+0000") +
                        eventLine("e", "2017-07-25T23:59:59.999+0000");
    EXPECT_EQ(store.ingest("account", batch), 5u);

    auto snap = store.pin("account", *at::Date::parse("2017-07-25"), *at::Date::parse("2017-07-26"),
                          std::nullopt);
    EXPECT_EQ(snap.count, 5u);
    EXPECT_EQ(snap.segments.size(), 3u);
    std::string expected = eventLine("a", "2017-07-25T10:05:00.000+0000") +
                           eventLine("b", "2017-07-25T10:05:00.000+0000") +
                           eventLine("c", "2017-07-25T10:29:28.541+0000") +
                           eventLine("e", "2017-07-25T23:59:59.999+0000") +
                           eventLine("d", "2017-07-26T00:00:00.000Z");
    std::string gz = snapshotBytes(store, snap);
    EXPECT_EQ(gz.size(), snap.gzipSize);
    std::string inflated = gunzipAll(gz);
    EXPECT_EQ(inflated, expected);
    EXPECT_EQ(inflated.size(), snap.size);
    store.release(snap);
}

TEST(StoreIngest, StatusReportsDaysAndHoursFromTheIndex) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("space-1", eventLine("a", "2017-07-25T10:05:00.000+0000") +
                                eventLine("b", "2017-07-25T11:05:00.000+0000") +
                                eventLine("c", "2017-07-27T01:00:00.000+0000"));
    auto days = store.status("space-1", std::nullopt, std::nullopt);
    ASSERT_EQ(days.size(), 2u);
    EXPECT_EQ(days[0].date.str(), "2017-07-25");
    EXPECT_EQ(days[0].count, 2u);
    EXPECT_EQ(days[0].hours[10].count, 1u);
    EXPECT_EQ(days[0].hours[11].count, 1u);
    EXPECT_EQ(days[0].hours[12].count, 0u);
    EXPECT_EQ(days[0].size, eventLine("a", "2017-07-25T10:05:00.000+0000").size() * 2);
    EXPECT_EQ(days[1].date.str(), "2017-07-27");

    // The status gzip size is what a pin of that day downloads.
    auto snap = store.pin("space-1", days[0].date, days[0].date, std::nullopt);
    EXPECT_EQ(snap.gzipSize, days[0].gzipSize);
    store.release(snap);

    EXPECT_EQ(store.status("space-1", at::Date::parse("2017-07-26"), std::nullopt).size(), 1u);
    EXPECT_EQ(store.status("space-1", std::nullopt, at::Date::parse("2017-07-26")).size(), 1u);
    EXPECT_TRUE(
        store.status("space-1", at::Date::parse("2017-07-26"), at::Date::parse("2017-07-26"))
            .empty());
    EXPECT_TRUE(store.status("other", std::nullopt, std::nullopt).empty());
    EXPECT_EQ(store.status("account", std::nullopt, std::nullopt).size(), 0u);
}

TEST(StoreIngest, PinOfOneHourNamesOnlyThatHourOfEachDay) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account", eventLine("a", "2017-07-25T10:05:00Z") +
                                eventLine("b", "2017-07-25T11:05:00Z") +
                                eventLine("c", "2017-07-26T10:06:00Z"));
    auto snap =
        store.pin("account", *at::Date::parse("2017-07-25"), *at::Date::parse("2017-07-26"), 10);
    EXPECT_EQ(snap.count, 2u);
    ASSERT_EQ(snap.segments.size(), 2u);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, snap)),
              eventLine("a", "2017-07-25T10:05:00Z") + eventLine("c", "2017-07-26T10:06:00Z"));
    store.release(snap);
}

TEST(StoreIngest, StoredLineIsCompactJson) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account", "  { \"id\" : \"x\",  \"eventTime\": \"2017-07-25T10:05:00Z\" }\r\n");
    auto snap = store.pin("account", *at::Date::parse("2017-07-25"), *at::Date::parse("2017-07-25"),
                          std::nullopt);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, snap)),
              "{\"eventTime\":\"2017-07-25T10:05:00Z\",\"id\":\"x\"}\n");
    store.release(snap);
}

TEST(StoreIngest, BadLineIsReportedWithItsNumberAndNothingIsStored) {
    TempDir dir;
    Store store(dir.path());
    struct Case {
        std::string bad;
        std::string why;
    };
    std::vector<Case> cases = {
        {"not json", "not valid JSON"},
        {"[1,2]", "not a JSON object"},
        {"{\"eventTime\":\"2017-07-25T10:05:00Z\"}", "\"id\""},
        {"{\"id\":7,\"eventTime\":\"2017-07-25T10:05:00Z\"}", "\"id\""},
        {"{\"id\":\"x\"}", "\"eventTime\""},
        {"{\"id\":\"x\",\"eventTime\":\"2017-02-30T10:05:00Z\"}", "is not a time"},
    };
    for (const auto& c : cases) {
        std::string batch = eventLine("a", "2017-07-25T10:05:00Z") + "\n" + c.bad + "\n" +
                            eventLine("b", "2017-07-25T11:05:00Z");
        try {
            store.ingest("account", batch);
            ADD_FAILURE() << "accepted: " << c.bad;
        } catch (const IngestError& e) {
            EXPECT_EQ(e.line(), 3u) << c.bad;
            EXPECT_NE(std::string(e.what()).find("line 3: "), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(c.why), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(store.status("account", std::nullopt, std::nullopt).empty());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events" / "account" / "2017-07-25"));
}

// Bodies over a few MB are parsed on several threads: the result and the reported line must be
// the same as with one.
TEST(StoreIngest, LargeBatchKeepsOrderAndReportsTheFirstBadLine) {
    TempDir dir;
    Store store(dir.path());
    const std::string padding(900, 'x');
    std::vector<std::string> lines;
    for (int i = 0; i < 12000; ++i) {
        char t[64];
        // Times run backwards, so order comes from sorting, not from the body.
        std::snprintf(t, sizeof t, "2017-07-25T%02d:%02d:%02d.000Z", 23 - i / 600, 59 - i / 10 % 60,
                      59 - i % 10);
        lines.push_back("{\"eventTime\":\"" + std::string(t) + "\",\"id\":\"" + std::to_string(i) +
                        "\",\"pad\":\"" + padding + "\"}\n");
    }
    auto body = [&](std::vector<size_t> badAt) {
        std::string text;
        for (size_t i = 0; i < lines.size(); ++i) {
            bool bad = std::find(badAt.begin(), badAt.end(), i) != badAt.end();
            text += bad ? std::string("{broken\n") : lines[i];
        }
        return text;
    };
    for (auto badAt : std::vector<std::vector<size_t>>{{9000, 11000}, {1, 11000}, {11999}}) {
        try {
            store.ingest("account", body(badAt));
            ADD_FAILURE() << "a bad line was accepted";
        } catch (const IngestError& e) {
            EXPECT_EQ(e.line(), badAt.front() + 1);
        }
    }
    EXPECT_TRUE(store.status("account", std::nullopt, std::nullopt).empty());

    EXPECT_EQ(store.ingest("account", body({})), lines.size());
    auto day = *at::Date::parse("2017-07-25");
    auto snap = store.pin("account", day, day, std::nullopt);
    auto stored = splitLines(gunzipAll(snapshotBytes(store, snap)));
    store.release(snap);
    ASSERT_EQ(stored.size(), lines.size());
    for (size_t i = 0; i < stored.size(); ++i) {
        EXPECT_EQ(stored[i] + "\n", lines[lines.size() - 1 - i]) << i;
        if (stored[i] + "\n" != lines[lines.size() - 1 - i])
            break;
    }
}

TEST(StoreIngest, BulkLoadStoresTheSameFilesAndIndexes) {
    TempDir bulkDir, normalDir;
    const std::string batch1 =
        eventLine("b", "2017-07-25T10:10:00Z") + eventLine("c", "2017-07-26T01:00:00Z");
    const std::string batch2 = eventLine("a", "2017-07-25T10:00:00Z");  // merge path
    {
        Store bulk(bulkDir.path());
        bulk.beginBulkLoad();
        bulk.ingest("account", batch1);
        bulk.ingest("account", batch2);
        EXPECT_FALSE(std::filesystem::exists(bulkDir.path() / "events/journal.json"));
        bulk.finishBulkLoad();
        Store normal(normalDir.path());
        normal.ingest("account", batch1);
        normal.ingest("account", batch2);
    }
    Store bulk(bulkDir.path());
    Store normal(normalDir.path());
    auto a = bulk.status("account", std::nullopt, std::nullopt);
    auto b = normal.status("account", std::nullopt, std::nullopt);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].count, b[i].count);
        EXPECT_EQ(a[i].gzipSize, b[i].gzipSize);
        auto ra = bulk.pin("account", a[i].date, a[i].date, std::nullopt);
        auto rb = normal.pin("account", b[i].date, b[i].date, std::nullopt);
        EXPECT_EQ(snapshotBytes(bulk, ra), snapshotBytes(normal, rb));
        bulk.release(ra);
        normal.release(rb);
    }
}

TEST(StoreIngest, BadDomainIsRejected) {
    TempDir dir;
    Store store(dir.path());
    EXPECT_THROW(store.ingest("../x", eventLine("a", "2017-07-25T10:05:00Z")),
                 std::invalid_argument);
    EXPECT_THROW(store.status("a/b", std::nullopt, std::nullopt), std::invalid_argument);
}

TEST(StoreIngest, ReopenedStoreSeesTheSameData) {
    TempDir dir;
    std::vector<DayStat> before;
    {
        Store store(dir.path());
        store.ingest("account", eventLine("a", "2017-07-25T10:05:00Z"));
        store.ingest("account", eventLine("b", "2017-07-25T10:06:00Z"));
        before = store.status("account", std::nullopt, std::nullopt);
    }
    Store store(dir.path());
    auto after = store.status("account", std::nullopt, std::nullopt);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].count, 2u);
    EXPECT_EQ(after[0].gzipSize, before[0].gzipSize);
    auto snap = store.pin("account", after[0].date, after[0].date, std::nullopt);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, snap)),
              eventLine("a", "2017-07-25T10:05:00Z") + eventLine("b", "2017-07-25T10:06:00Z"));
    store.release(snap);
}

}  // namespace
}  // namespace atd::test
