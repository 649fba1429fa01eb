// The pure request parsers behind the routes: Range decisions, session request defaults, and
// the query + JSON body of status and delete.
#include <gtest/gtest.h>

#include "service/ApiError.h"
#include "service/ByteRange.h"
#include "service/EventQuery.h"
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
    auto exact15 = parseSessionRequest(R"({"start":"2017-07-01","end":"2017-07-15"})", today);
    EXPECT_EQ(exact15.end.str(), "2017-07-15");
    EXPECT_THROW(parseSessionRequest(R"({"start":"2017-07-01","end":"2017-07-16"})", today),
                 ApiError);
    auto hour = parseSessionRequest(R"({"SearchTime":"0","tag":"atfs:h:1"})", today);
    EXPECT_EQ(hour.hour, 0);
    EXPECT_EQ(hour.tag, "atfs:h:1");
    EXPECT_THROW(parseSessionRequest(R"({"tag":")" + std::string(129, 'x') + "\"}", today),
                 ApiError);
    EXPECT_THROW(parseSessionRequest(R"({"start":7})", today), ApiError);
    try {
        parseSessionRequest(R"({"start":"2017-07-20","searchTime":"5"})", today);
        ADD_FAILURE() << "an unknown field was ignored";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown field \"searchTime\""), std::string::npos);
    }
}

std::string messageOf(const QueryFields& query, const std::string& body) {
    try {
        parseEventQuery(query, body);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    ADD_FAILURE() << "no error for body " << body;
    return "";
}

TEST(EventQuery, ReadsTheDocumentedBody) {
    auto q = parseEventQuery(
        {}, R"({"start":"2018-06-28","end":"2018-06-28","AtAccountLevel":true,"SearchTime":""})");
    EXPECT_EQ(q.start->str(), "2018-06-28");
    EXPECT_EQ(q.end->str(), "2018-06-28");
    EXPECT_TRUE(q.accountLevel);
    EXPECT_FALSE(q.hour);
    auto node = parseEventQuery({}, R"({ "start": "2018-06-30", "end": "2018-07-02" })");
    EXPECT_EQ(node.end->str(), "2018-07-02");
    EXPECT_FALSE(node.accountLevel);
    EXPECT_EQ(parseEventQuery({}, R"({"SearchTime":"7"})").hour, 7);
    EXPECT_EQ(parseEventQuery({}, R"({"SearchTime":0})").hour, 0);
    EXPECT_EQ(parseEventQuery({}, R"({"AtAccountLevel":"true"})").accountLevel, true);
    auto none = parseEventQuery({}, " \r\n");
    EXPECT_FALSE(none.start || none.end || none.hour);
}

TEST(EventQuery, QueryAloneAsBefore) {
    auto q = parseEventQuery(
        {{"start", "2017-07-01"}, {"end", ""}, {"AtAccountLevel", "false"}, {"SearchTime", "23"}},
        "");
    EXPECT_EQ(q.start->str(), "2017-07-01");
    EXPECT_FALSE(q.end);
    EXPECT_EQ(q.hour, 23);
    EXPECT_NE(messageOf({{"AtAccountLevel", "yes"}}, "").find("AtAccountLevel"), std::string::npos);
}

TEST(EventQuery, BothMustAgree) {
    auto same = parseEventQuery({{"start", "2018-06-28"}, {"SearchTime", "5"}},
                                R"({"start":"2018-06-28","SearchTime":5,"AtAccountLevel":false})");
    EXPECT_EQ(same.start->str(), "2018-06-28");
    EXPECT_EQ(same.hour, 5);
    EXPECT_EQ(messageOf({{"start", "2018-06-27"}}, R"({"start":"2018-06-28"})"),
              "start is 2018-06-27 in the query but 2018-06-28 in the JSON body: send it once, "
              "or the same in both");
    EXPECT_NE(messageOf({{"end", "2018-06-27"}}, R"({"end":"2018-06-28"})").find("end is"),
              std::string::npos);
    EXPECT_NE(messageOf({{"AtAccountLevel", "true"}}, R"({"AtAccountLevel":false})")
                  .find("AtAccountLevel is true in the query but false"),
              std::string::npos);
    EXPECT_NE(messageOf({{"SearchTime", "4"}}, R"({"SearchTime":"5"})").find("SearchTime is 4"),
              std::string::npos);
    // "" means not given, so it cannot disagree.
    EXPECT_EQ(parseEventQuery({{"SearchTime", "4"}}, R"({"SearchTime":""})").hour, 4);
}

TEST(EventQuery, RefusesWhatItCannotHonour) {
    EXPECT_NE(messageOf({}, R"({"start":"2018-06-28","Start":"2018-06-28"})")
                  .find("unknown field \"Start\""),
              std::string::npos);
    EXPECT_NE(messageOf({}, R"({"hours":true})").find("\"hours\""), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"SearchTime":"24"})").find("SearchTime"), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"SearchTime":-1})").find("SearchTime"), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"start":20180628})").find("start"), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"start":"2018-02-30"})").find("start"), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"start":"2018-06-29","end":"2018-06-28"})").find("before"),
              std::string::npos);
    EXPECT_NE(messageOf({}, R"(["start"])").find("expected an object"), std::string::npos);
    EXPECT_NE(messageOf({}, R"({"start":)").find("malformed JSON"), std::string::npos);
    EXPECT_NE(messageOf({}, std::string(200, '[') + std::string(200, ']')).find("malformed JSON"),
              std::string::npos);
}

}  // namespace
}  // namespace atd
