#include "SessionPlan.h"

#include <gtest/gtest.h>

using namespace atfs;

namespace {
at::Date D(const char* s) {
    return *at::Date::parse(s);
}

// Days d0..d0+n-1 with events in hours 1 and 13.
DayIndex indexOf(at::Date d0, int n) {
    DayIndex idx;
    for (int i = 0; i < n; ++i) {
        at::DayStatus d{d0.plusDays(i), 4, 400, 100, {{1, 2, 150, 40}, {13, 2, 250, 60}}};
        idx[d.date.days()] = d;
    }
    return idx;
}
}  // namespace

// The runs are atd's limit (at::kMaxSessionDays, the 15 days of IBM's API page), no shorter.
TEST(SessionPlan, WholeDaysChainInRunsOfTheServicesLimit) {
    static_assert(at::kMaxSessionDays == 15);
    const DayIndex idx = indexOf(D("2017-06-01"), 40);
    auto plan = planSegments(
        idx, {HourSpan::ofDay(D("2017-06-01")).first, HourSpan::ofDay(D("2017-07-10")).last});
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[0].start, D("2017-06-01"));
    EXPECT_EQ(plan[0].end, D("2017-06-15"));
    EXPECT_EQ(plan[1].start, D("2017-06-16"));
    EXPECT_EQ(plan[1].end, D("2017-06-30"));
    EXPECT_EQ(plan[2].end, D("2017-07-10"));
    for (auto& s : plan)
        EXPECT_FALSE(s.hour);
    EXPECT_EQ(plannedSize(plan, Format::Json), 40u * 400);
    EXPECT_EQ(plannedSize(plan, Format::JsonGz), 40u * 100);
}

TEST(SessionPlan, PartialDaysUseHourSessionsAndSkipEmptyHours) {
    const DayIndex idx = indexOf(D("2017-06-01"), 3);
    const HourSpan span{at::HourStamp{D("2017-06-01"), 5}.index(),
                        at::HourStamp{D("2017-06-03"), 12}.index()};
    auto plan = planSegments(idx, span);
    // Day 1: hour 13 only (hour 1 is before the start); day 2 whole; day 3: hour 1.
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[0].hour, 13);
    EXPECT_EQ(plan[0].start, D("2017-06-01"));
    EXPECT_FALSE(plan[1].hour);
    EXPECT_EQ(plan[1].start, D("2017-06-02"));
    EXPECT_EQ(plan[2].hour, 1);
    EXPECT_EQ(plan[2].start, D("2017-06-03"));
    EXPECT_EQ(plannedSize(plan, Format::Json), 250u + 400 + 150);
}

TEST(SessionPlan, EmptyDaysNeedNoSession) {
    DayIndex idx = indexOf(D("2017-06-01"), 1);
    auto plan = planSegments(
        idx, {HourSpan::ofDay(D("2017-05-01")).first, HourSpan::ofDay(D("2017-05-31")).last});
    EXPECT_TRUE(plan.empty());
    EXPECT_EQ(plannedSize(plan, Format::Json), 0u);
}

TEST(SessionPlan, UnknownSizes) {
    DayIndex idx;
    idx[D("2017-06-01").days()] = at::DayStatus{D("2017-06-01"), 5, 0, 0, {}, 0};
    EXPECT_FALSE(sizesKnown(idx, HourSpan::ofDay(D("2017-06-01"))));
    EXPECT_TRUE(sizesKnown(indexOf(D("2017-06-01"), 2), HourSpan::ofDay(D("2017-06-01"))));
}
