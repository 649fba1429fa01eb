#include <gtest/gtest.h>

#include "at/Time.h"

using at::Date;
using at::HourStamp;

TEST(Date, ParsesAndFormatsRealDates) {
    auto d = Date::parse("2017-07-25");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->str(), "2017-07-25");
    EXPECT_EQ(d->year(), 2017);
    EXPECT_EQ(d->month(), 7u);
    EXPECT_EQ(d->day(), 25u);
    EXPECT_EQ(Date::parse("2016-02-29")->plusDays(1).str(), "2016-03-01");
    EXPECT_EQ(Date::parse("1970-01-01")->days(), 0);
}

TEST(Date, RejectsImpossibleAndMalformedDates) {
    for (const char* bad : {"2017-02-30", "2017-02-29", "2017-13-01", "2017-00-10", "2017-7-25",
                            "17-07-25", "2017-07-25x", "", "abcd-ef-gh", "2017/07/25", "1969-12-31",
                            "2017-07-32", "+017-07-25"}) {
        EXPECT_FALSE(Date::parse(bad)) << bad;
    }
}

TEST(Date, OrdersAndCountsRanges) {
    at::DayRange r{*Date::parse("2017-07-01"), *Date::parse("2017-07-31")};
    EXPECT_EQ(r.dayCount(), 31);
    EXPECT_TRUE(r.contains(*Date::parse("2017-07-15")));
    EXPECT_FALSE(r.contains(*Date::parse("2017-08-01")));
    EXPECT_LT(*Date::parse("2017-06-30"), r.first);
}

TEST(HourStamp, ParsesHourBounds) {
    auto h = HourStamp::parse("2017-07-25T09");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->hour, 9);
    EXPECT_EQ(h->str(), "2017-07-25T09");
    EXPECT_FALSE(HourStamp::parse("2017-07-25T24"));
    EXPECT_FALSE(HourStamp::parse("2017-07-25T9"));
    EXPECT_FALSE(HourStamp::parse("2017-02-30T01"));
    EXPECT_EQ(at::parseHour("0"), 0);
    EXPECT_EQ(at::parseHour("23"), 23);
    EXPECT_FALSE(at::parseHour("24"));
    EXPECT_FALSE(at::parseHour("-1"));
    EXPECT_FALSE(at::parseHour(""));
}

TEST(EventTime, ParsesCadfForms) {
    auto base = at::parseEventTime("2017-07-25T10:29:28Z");
    ASSERT_TRUE(base);
    EXPECT_EQ(*at::parseEventTime("2017-07-25T10:29:28.54+0000"), *base + 540000);
    EXPECT_EQ(*at::parseEventTime("2017-07-25T11:29:28+01:00"), *base);
    EXPECT_EQ(*at::parseEventTime("2017-07-25T09:29:28-0100"), *base);
    EXPECT_EQ(*at::parseEventTime("2017-07-25T10:29:28.541092735Z"), *base + 541092);
    EXPECT_FALSE(at::parseEventTime("2017-07-25 10:29:28Z"));
    EXPECT_FALSE(at::parseEventTime("2017-07-25T10:29:28"));
    EXPECT_FALSE(at::parseEventTime("2017-07-25T25:00:00Z"));
    EXPECT_EQ(at::formatEventTime(*base + 540000), "2017-07-25T10:29:28.540+0000");
}
