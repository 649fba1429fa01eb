// Today as a live file: reads at the end follow the index into the hours that grew.
#include "LiveFile.h"
#include "TestFs.h"

namespace atfs::test {

namespace {

DayIndex indexOf(at::Date day, std::vector<at::HourStatus> hours) {
    at::DayStatus d;
    d.date = day;
    for (const auto& h : hours) {
        d.count += h.count;
        d.size += h.size;
        d.gzipSize += h.gzipSize;
    }
    d.hours = std::move(hours);
    return DayIndex{{day.days(), d}};
}

}  // namespace

TEST(GrowthAfter, StartsAtTheHourThatReachesPastTheEnd) {
    const at::Date day = D("2017-07-30");
    auto index = indexOf(day, {{1, 2, 100, 40, 0}, {5, 3, 300, 90, 0}, {9, 1, 50, 30, 0}});
    auto g = growthAfter(index, HourSpan::ofDay(day), Format::Json, 250);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->origin, 100u);  // hour 5 starts after hour 1's 100 bytes
    ASSERT_EQ(g->plan.size(), 2u);
    EXPECT_EQ(g->plan[0].hour, 5);
    EXPECT_EQ(g->plan[1].hour, 9);
    // Exactly at an hour's end: the next hour on.
    g = growthAfter(index, HourSpan::ofDay(day), Format::Json, 400);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->origin, 400u);
    EXPECT_EQ(g->plan.size(), 1u);
    // Gzip bytes add up the same way.
    g = growthAfter(index, HourSpan::ofDay(day), Format::JsonGz, 40);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->origin, 40u);
    EXPECT_EQ(g->plan[0].hour, 5);
}

TEST(GrowthAfter, NothingWhenTheFileIsNoLonger) {
    const at::Date day = D("2017-07-30");
    auto index = indexOf(day, {{1, 2, 100, 40, 0}});
    EXPECT_FALSE(growthAfter(index, HourSpan::ofDay(day), Format::Json, 100));
    EXPECT_FALSE(growthAfter(index, HourSpan::ofDay(day), Format::Json, 150));
    EXPECT_FALSE(growthAfter(DayIndex{}, HourSpan::ofDay(day), Format::Json, 0));
}

TEST(GrowthAfter, OnlyHoursInsideTheSpan) {
    const at::Date day = D("2017-07-30");
    auto index = indexOf(day, {{1, 2, 100, 40, 0}, {5, 3, 300, 90, 0}});
    auto g = growthAfter(index, HourSpan::ofHour({day, 5}), Format::Json, 10);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->origin, 0u);
    ASSERT_EQ(g->plan.size(), 1u);
    EXPECT_EQ(g->plan[0].hour, 5);
}

class LiveTodayTest : public FsTest {};

TEST_F(LiveTodayTest, ReadAtTheEndReturnsWhatArrivedSince) {
    options.todayTtl = std::chrono::milliseconds(0);  // every read sees the newest index
    const std::string path = "account/2017-07-30.json";
    const uint64_t fh = open(path);
    std::string seen = readAt(fh, 0, 1 << 20);
    ASSERT_EQ(seen, dayJson("account", kToday));
    EXPECT_EQ(readAt(fh, seen.size(), 4096), "");  // nothing new yet
    // New events in the same hour (appended) and in a later one.
    backend.addEvents("account", {D(kToday), 1}, "{\"id\":\"late-1\"}\n");
    backend.addEvents("account", {D(kToday), 6}, "{\"id\":\"new-6\"}\n");
    std::string more;
    for (;;) {
        std::string got = readAt(fh, seen.size() + more.size(), 4096);
        if (got.empty())
            break;
        more += got;
    }
    EXPECT_EQ(seen + more, dayJson("account", kToday));
    EXPECT_EQ(more, "{\"id\":\"late-1\"}\n{\"id\":\"new-6\"}\n");
    // Earlier bytes still read back the same.
    EXPECT_EQ(readAt(fh, 0, 64), seen.substr(0, 64));
    EXPECT_GE(fs().stats().follows.load(), 1u);
    fs().release(fh);
    EXPECT_TRUE(backend.listSessions({}).empty());
    // st_size follows too.
    EXPECT_EQ(sizeOf(path), dayJson("account", kToday).size());
}

TEST_F(LiveTodayTest, ALongFollowFoldsItsPartsAndStaysByteExact) {
    options.todayTtl = std::chrono::milliseconds(0);
    const std::string path = "account/2017-07-30.json";
    const uint64_t fh = open(path);
    std::string seen;
    auto readToEnd = [&] {
        for (;;) {
            std::string got = readAt(fh, seen.size(), 4096);
            if (got.empty())
                return;
            seen += got;
        }
    };
    readToEnd();
    for (size_t i = 0; i < LiveFile::kMaxParts + 10; ++i) {
        backend.addEvents("account", {D(kToday), 1 + int(i / 4)},  // appended, in order
                          "{\"id\":\"n-" + std::to_string(i) + "\"}\n");
        readToEnd();
    }
    EXPECT_EQ(seen, dayJson("account", kToday));
    EXPECT_EQ(readAt(fh, 0, 64), seen.substr(0, 64));
    fs().release(fh);
    EXPECT_TRUE(backend.listSessions({}).empty());
}

}  // namespace atfs::test

namespace atfs::test {

// Today's finished hours read like past days: page-cached across opens (keep_cache, no
// direct I/O), while any file that reaches the open hour stays live. Sizes of today's
// finished hours keep today's short TTL: late events are likeliest for them.
TEST_F(FsTest, FinishedHoursOfTodayArePageCachedLikePastDays) {
    options.openHour = [] { return H("2017-07-30T06"); };
    const std::string expected = dayJson("account", kToday);  // its events are all in hour 1
    for (const char* path :
         {"account/2017-07-30/01.json", "account/2017-07-30T00..2017-07-30T05.json"}) {
        OpenResult r;
        ASSERT_EQ(fs().open(walk(path), O_RDONLY, r), 0) << path;
        EXPECT_FALSE(r.directIo) << path;
        EXPECT_TRUE(r.keepCache) << path;
        EXPECT_EQ(readAt(r.fh, 0, expected.size() + 100), expected) << path;
        fs().release(r.fh);
        Attr a;
        ASSERT_EQ(fs().getattr(walk(path), a), 0);
        EXPECT_EQ(a.ttl, 2.0) << path;
    }
    for (const char* path :
         {"account/2017-07-30/06.json", "account/2017-07-30T05..2017-07-30T06.json",
          "account/2017-07-30.json"}) {
        OpenResult r;
        ASSERT_EQ(fs().open(walk(path), O_RDONLY, r), 0) << path;
        EXPECT_TRUE(r.directIo) << path;
        EXPECT_FALSE(r.keepCache) << path;
        fs().release(r.fh);
    }
    EXPECT_TRUE(backend.liveSessions().empty());
}

// Just after midnight yesterday's last hour is still being ingested: yesterday stays live
// until the ingest lag has passed, then is a past day like any other.
TEST_F(FsTest, YesterdayStaysLiveForTheIngestLag) {
    int64_t open = H("2017-07-29T23");
    options.openHour = [&open] { return open; };
    OpenResult r;
    ASSERT_EQ(fs().open(walk("account/2017-07-29.json"), O_RDONLY, r), 0);
    EXPECT_TRUE(r.directIo);
    fs().release(r.fh);
    open = H("2017-07-30T00");
    ASSERT_EQ(fs().open(walk("account/2017-07-29.json"), O_RDONLY, r), 0);
    EXPECT_FALSE(r.directIo);
    EXPECT_TRUE(r.keepCache);
    fs().release(r.fh);
    Attr a;
    ASSERT_EQ(fs().getattr(walk("account/2017-07-29.json"), a), 0);
    EXPECT_EQ(a.ttl, 30.0);
}

}  // namespace atfs::test
