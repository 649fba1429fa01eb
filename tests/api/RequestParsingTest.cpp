// The pure request parsers behind the routes: Range decisions and session request defaults.
#include <gtest/gtest.h>

#include "service/ApiError.h"
#include "service/ByteRange.h"
#include "service/SessionRequest.h"

namespace atd {
namespace {

TEST(ByteRange, DecidesEveryForm) {
    EXPECT_EQ(decideRange("", 100).kind, RangeKind::Whole);
    auto open = decideRange("bytes=40-", 100);
    EXPECT_EQ(open.kind, RangeKind::Partial);
    EXPECT_EQ(open.range.first, 40u);
    EXPECT_EQ(open.range.last, 99u);
    auto closed = decideRange("bytes=10-19", 100);
    EXPECT_EQ(closed.range.length(), 10u);
    auto clamped = decideRange("bytes=90-500", 100);
    EXPECT_EQ(clamped.range.last, 99u);
    auto suffix = decideRange("bytes=-30", 100);
    EXPECT_EQ(suffix.range.first, 70u);
    EXPECT_EQ(decideRange("bytes=100-", 100).kind, RangeKind::Unsatisfiable);
    EXPECT_EQ(decideRange("bytes=0-", 0).kind, RangeKind::Unsatisfiable);
    EXPECT_EQ(decideRange("bytes=0-1,5-6", 100).kind, RangeKind::Whole);
    EXPECT_EQ(decideRange("bytes=x-", 100).kind, RangeKind::Whole);
    EXPECT_EQ(decideRange("items=1-2", 100).kind, RangeKind::Whole);
}

TEST(SessionRequest, DefaultsAndCaps) {
    auto today = *at::Date::parse("2017-07-25");
    auto none = parseSessionRequest("{}", today);
    EXPECT_EQ(none.start.str(), "2017-07-12");
    EXPECT_EQ(none.end, today);
    auto capped = parseSessionRequest(R"({"start":"2017-07-20"})", today);
    EXPECT_EQ(capped.end, today);
    auto future = parseSessionRequest(R"({"start":"2017-08-01"})", today);
    EXPECT_EQ(future.end, future.start);  // never before start
    auto exact14 = parseSessionRequest(R"({"start":"2017-07-01","end":"2017-07-14"})", today);
    EXPECT_EQ(exact14.end.str(), "2017-07-14");
    EXPECT_THROW(parseSessionRequest(R"({"start":"2017-07-01","end":"2017-07-15"})", today),
                 ApiError);
    auto hour = parseSessionRequest(R"({"SearchTime":"0","tag":"atfs:h:1"})", today);
    EXPECT_EQ(hour.hour, 0);
    EXPECT_EQ(hour.tag, "atfs:h:1");
    EXPECT_THROW(parseSessionRequest(R"({"tag":")" + std::string(129, 'x') + "\"}", today),
                 ApiError);
    EXPECT_THROW(parseSessionRequest(R"({"start":7})", today), ApiError);
}

}  // namespace
}  // namespace atd
