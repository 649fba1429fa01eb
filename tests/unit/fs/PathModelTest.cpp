#include "PathModel.h"

#include "PartitionNames.h"

#include <gtest/gtest.h>

using namespace atfs;

namespace {
at::Date D(const char* s) {
    return *at::Date::parse(s);
}
int64_t H(const char* s) {
    return at::HourStamp::parse(s)->index();
}
}  // namespace

TEST(PathModel, DayFileJsonAndGz) {
    auto e = parseDomainEntry("2017-07-25.json");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, DomainEntry::Kind::DayFile);
    EXPECT_EQ(e->file.span, HourSpan::ofDay(D("2017-07-25")));
    EXPECT_EQ(e->file.format, Format::Json);
    EXPECT_FALSE(e->file.isRange);
    auto g = parseDomainEntry("2017-07-25.json.gz");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->kind, DomainEntry::Kind::DayFile);
    EXPECT_EQ(g->file.format, Format::JsonGz);
}

TEST(PathModel, DayDirAndLinks) {
    auto d = parseDomainEntry("2017-07-25");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, DomainEntry::Kind::DayDir);
    EXPECT_EQ(d->day, D("2017-07-25"));
    EXPECT_EQ(parseDomainEntry("today.json")->kind, DomainEntry::Kind::TodayLink);
    EXPECT_EQ(parseDomainEntry("yesterday.json")->kind, DomainEntry::Kind::YesterdayLink);
    EXPECT_FALSE(parseDomainEntry("today.json.gz"));
    EXPECT_FALSE(parseDomainEntry("today"));
}

TEST(PathModel, DateRangesAreInclusive) {
    auto r = parseDomainEntry("2017-07-01..2017-07-31.json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, DomainEntry::Kind::Range);
    EXPECT_TRUE(r->file.isRange);
    EXPECT_EQ(r->file.span.first, H("2017-07-01T00"));
    EXPECT_EQ(r->file.span.last, H("2017-07-31T23"));
    auto same = parseDomainEntry("2017-07-05..2017-07-05.json.gz");
    ASSERT_TRUE(same);
    EXPECT_EQ(same->file.format, Format::JsonGz);
    EXPECT_EQ(same->file.span, HourSpan::ofDay(D("2017-07-05")));
}

TEST(PathModel, HourBoundsAndMixedBounds) {
    auto r = parseDomainEntry("2017-07-01T22..2017-07-03T02.json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->file.span.first, H("2017-07-01T22"));
    EXPECT_EQ(r->file.span.last, H("2017-07-03T02"));
    auto mixed = parseDomainEntry("2017-07-01..2017-07-02T05.json");
    ASSERT_TRUE(mixed);
    EXPECT_EQ(mixed->file.span.first, H("2017-07-01T00"));
    EXPECT_EQ(mixed->file.span.last, H("2017-07-02T05"));
    auto oneHour = parseDomainEntry("2017-07-01T05..2017-07-01T05.json");
    ASSERT_TRUE(oneHour);
    EXPECT_EQ(oneHour->file.span.first, oneHour->file.span.last);
}

TEST(PathModel, InvalidNamesAreRejected) {
    for (const char* bad : {"2017-02-30.json",
                            "2017-13-01.json",
                            "2017-7-25.json",
                            "2017-07-25.txt",
                            "2017-07-25.gz",
                            "2017-07-25.json.gz.gz",
                            ".json",
                            "x..y.json",
                            "2017-07-31..2017-07-01.json",
                            "2017-07-01T05..2017-07-01T04.json",
                            "2017-07-01T24..2017-07-02.json",
                            "2017-07-01..2017-07-02",
                            "2017-07-01...2017-07-02.json",
                            "..2017-07-02.json",
                            "2017-07-01...json",
                            "garbage",
                            "",
                            "2017-07-25.JSON",
                            "2017-07-25T5.json",
                            "2017-07-25T05.json",
                            "2017-02-29",
                            "1969-12-31.json",
                            " 2017-07-25.json"}) {
        EXPECT_FALSE(parseDomainEntry(bad)) << bad;
    }
}

TEST(PathModel, HourEntries) {
    const at::Date day = D("2017-07-25");
    auto h = parseHourEntry(day, "07.json");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->span, HourSpan::ofHour({day, 7}));
    EXPECT_EQ(h->format, Format::Json);
    auto g = parseHourEntry(day, "23.json.gz");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->format, Format::JsonGz);
    EXPECT_EQ(g->span.first, H("2017-07-25T23"));
    for (const char* bad : {"24.json", "7.json", "007.json", "ab.json", "07", "07.txt", "-1.json"})
        EXPECT_FALSE(parseHourEntry(day, bad)) << bad;
}

TEST(PathModel, NamesRoundTrip) {
    EXPECT_EQ(dayFileName(D("2017-07-25"), Format::Json), "2017-07-25.json");
    EXPECT_EQ(dayFileName(D("2017-07-25"), Format::JsonGz), "2017-07-25.json.gz");
    EXPECT_EQ(hourFileName(3, Format::Json), "03.json");
    EXPECT_EQ(hourFileName(23, Format::JsonGz), "23.json.gz");
    for (int h = 0; h < 24; ++h)
        EXPECT_TRUE(parseHourEntry(D("2017-07-25"), hourFileName(h, Format::Json)));
}

TEST(PathModel, WholeDayCoverage) {
    const HourSpan span{H("2017-07-01T05"), H("2017-07-03T23")};
    EXPECT_FALSE(span.coversWholeDay(D("2017-07-01")));
    EXPECT_TRUE(span.coversWholeDay(D("2017-07-02")));
    EXPECT_TRUE(span.coversWholeDay(D("2017-07-03")));
    EXPECT_FALSE(span.coversWholeDay(D("2017-07-04")));
}

TEST(PartitionNames, RoundTripAndRejects) {
    EXPECT_EQ(partitionDomainName("account"), "domain=account");
    EXPECT_EQ(parsePartitionDomain("domain=g-1"), "g-1");
    EXPECT_FALSE(parsePartitionDomain("domain="));
    EXPECT_FALSE(parsePartitionDomain("g-1"));
    EXPECT_EQ(partitionDayName(D("2017-07-05")), "date=2017-07-05");
    EXPECT_EQ(parsePartitionDay("date=2017-07-05"), D("2017-07-05"));
    EXPECT_FALSE(parsePartitionDay("date=2017-02-30"));
    EXPECT_FALSE(parsePartitionDay("2017-07-05"));
    EXPECT_EQ(partitionHourName(7), "hour=07");
    EXPECT_EQ(parsePartitionHour("hour=23"), 23);
    EXPECT_FALSE(parsePartitionHour("hour=24"));
    EXPECT_FALSE(parsePartitionHour("hour=7"));
    EXPECT_EQ(parsePartitionFile("events.json.gz"), Format::JsonGz);
    EXPECT_EQ(parsePartitionFile(partitionFileName(Format::Json)), Format::Json);
    EXPECT_FALSE(parsePartitionFile("events.csv"));
}
