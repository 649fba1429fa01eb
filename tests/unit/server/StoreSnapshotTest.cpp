#include <gtest/gtest.h>

#include "StoreTestSupport.h"

namespace atd::test {
namespace {

const at::Date kDay = *at::Date::parse("2017-07-25");

TEST(StoreMerge, OutOfOrderBatchIsMergedIntoEventTimeOrder) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account",
                 eventLine("b", "2017-07-25T10:10:00Z") + eventLine("d", "2017-07-25T10:30:00Z"));
    // Older than the hour's newest event: the merge path, ties keep stored events first.
    store.ingest("account", eventLine("c2", "2017-07-25T10:30:00Z") +
                                eventLine("a", "2017-07-25T10:01:00Z") +
                                eventLine("c", "2017-07-25T10:20:00Z"));
    // Then a later one again: the fast path on the merged generation.
    store.ingest("account", eventLine("e", "2017-07-25T10:40:00Z"));

    auto snap = store.pin("account", kDay, kDay, std::nullopt);
    ASSERT_EQ(snap.segments.size(), 1u);
    EXPECT_NE(snap.segments[0].file.find("10.g2.gz"), std::string::npos) << snap.segments[0].file;
    EXPECT_EQ(snap.count, 6u);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, snap)),
              eventLine("a", "2017-07-25T10:01:00Z") + eventLine("b", "2017-07-25T10:10:00Z") +
                  eventLine("c", "2017-07-25T10:20:00Z") + eventLine("d", "2017-07-25T10:30:00Z") +
                  eventLine("c2", "2017-07-25T10:30:00Z") + eventLine("e", "2017-07-25T10:40:00Z"));
    auto status = store.status("account", kDay, kDay);
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(status[0].gzipSize, snap.gzipSize);
    EXPECT_EQ(status[0].size, snap.size);
    store.release(snap);
    // The superseded generation was not pinned: it is gone.
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/account/2017-07-25/10.g1.gz"));
}

TEST(StoreSnapshot, PinnedBytesNeverChange) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account", eventLine("b", "2017-07-25T10:10:00Z"));
    auto first = store.pin("account", kDay, kDay, std::nullopt);
    const std::string pinned = snapshotBytes(store, first);

    store.ingest("account", eventLine("c", "2017-07-25T10:20:00Z"));  // append
    EXPECT_EQ(snapshotBytes(store, first), pinned);
    auto second = store.pin("account", kDay, kDay, std::nullopt);
    store.ingest("account", eventLine("a", "2017-07-25T10:00:00Z"));  // merge: new generation
    store.deleteRange("account", kDay, kDay, std::nullopt);           // and gone from the index

    EXPECT_EQ(snapshotBytes(store, first), pinned);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, second)),
              eventLine("b", "2017-07-25T10:10:00Z") + eventLine("c", "2017-07-25T10:20:00Z"));
    EXPECT_TRUE(store.status("account", std::nullopt, std::nullopt).empty());

    const auto oldFile = store.pathOf(first.segments[0]);
    EXPECT_TRUE(std::filesystem::exists(oldFile));
    store.release(first);
    EXPECT_TRUE(std::filesystem::exists(oldFile));  // `second` still holds it
    store.release(second);
    EXPECT_FALSE(std::filesystem::exists(oldFile));
}

TEST(StoreSnapshot, ReleaseKeepsTheCurrentGeneration) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account", eventLine("b", "2017-07-25T10:10:00Z"));
    auto snap = store.pin("account", kDay, kDay, std::nullopt);
    store.release(snap);
    EXPECT_TRUE(std::filesystem::exists(store.pathOf(snap.segments[0])));
}

TEST(StoreSnapshot, RetainedSnapshotSurvivesGarbageCollectionAfterReopen) {
    TempDir dir;
    Snapshot snap;
    {
        Store store(dir.path());
        store.ingest("account", eventLine("b", "2017-07-25T10:10:00Z"));
        snap = store.pin("account", kDay, kDay, std::nullopt);
        store.ingest("account", eventLine("a", "2017-07-25T10:00:00Z"));  // supersedes it
    }
    const std::string pinned = readFile(dir.path() / snap.segments[0].file);
    std::ofstream(dir.path() / "events/account/2017-07-25/10.g9.gz") << "orphan";
    std::ofstream(dir.path() / "events/account/2017-07-25/index.json.tmp") << "torn";

    Store store(dir.path());
    store.retain(snap);
    store.collectGarbage();
    EXPECT_EQ(readFile(store.pathOf(snap.segments[0])), pinned);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/account/2017-07-25/10.g9.gz"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/account/2017-07-25/index.json.tmp"));
    EXPECT_EQ(store.status("account", kDay, kDay).at(0).count, 2u);

    store.release(snap);
    EXPECT_FALSE(std::filesystem::exists(store.pathOf(snap.segments[0])));
    EXPECT_EQ(store.status("account", kDay, kDay).at(0).count, 2u);
}

TEST(StoreSnapshot, NewHourAfterDeleteOfAPinnedHourGetsAFreshGeneration) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account", eventLine("b", "2017-07-25T10:10:00Z"));
    auto snap = store.pin("account", kDay, kDay, std::nullopt);
    const std::string pinned = snapshotBytes(store, snap);
    store.deleteRange("account", kDay, kDay, 10);
    store.ingest("account", eventLine("z", "2017-07-25T10:50:00Z"));
    EXPECT_EQ(snapshotBytes(store, snap), pinned);
    auto now = store.pin("account", kDay, kDay, std::nullopt);
    EXPECT_EQ(gunzipAll(snapshotBytes(store, now)), eventLine("z", "2017-07-25T10:50:00Z"));
    store.release(now);
    store.release(snap);
}

TEST(StoreSnapshot, PathOfRejectsForeignPaths) {
    TempDir dir;
    Store store(dir.path());
    EXPECT_THROW(store.pathOf(Segment{"../../etc/passwd", 1}), std::invalid_argument);
    EXPECT_THROW(store.pathOf(Segment{"events/account/2017-07-25/../../x", 1}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace atd::test
