// POST/GET/DELETE /v3/sessions: defaults, validation, ownership and the 30-session limit.
#include "ApiFixture.h"
#include "at/Time.h"

namespace atdtest {
namespace {

using SessionApi = ApiTest;

TEST_F(SessionApi, CreateShowListDelete) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto s = alice.createSession(
        {{"start", "2017-07-25"}, {"end", "2017-07-26"}, {"SearchTime", ""}, {"tag", "t1"}});
    ASSERT_TRUE(s.contains("id"));
    EXPECT_EQ(s["id"].get<std::string>().size(), 36u);
    EXPECT_EQ(s["space"], kSpaceDev);
    EXPECT_EQ(s["username"], "alice@example.com");
    EXPECT_EQ(s["date-range"]["Start"], "2017-07-25");
    EXPECT_EQ(s["date-range"]["End"], "2017-07-26");
    EXPECT_EQ(s["types"]["Type"], "ActivityTracker");
    EXPECT_EQ(s["types"]["AtAccountLevel"], false);
    EXPECT_EQ(s["search-time"], "");
    EXPECT_EQ(s["tag"], "t1");
    EXPECT_EQ(s["count"], 0);
    EXPECT_EQ(s["gzip-size"], 0);
    EXPECT_EQ(s["create-time"].get<std::string>().back(), 'Z');

    auto second = alice.createSession({{"start", "2017-07-25"}, {"SearchTime", 7}});
    EXPECT_EQ(second["search-time"], "7");
    EXPECT_EQ(second["date-range"]["End"], "2017-08-07");  // start + 13 days

    auto id = s["id"].get<std::string>();
    EXPECT_EQ(bodyOf(alice.get("/v3/sessions/" + id))["id"], id);
    auto list = bodyOf(alice.get("/v3/sessions"));
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], id);  // oldest first

    auto del = bodyOf(alice.del("/v3/sessions/" + id));
    EXPECT_EQ(del, nlohmann::json({{"message", "Delete session success"}}));
    expectError(alice.get("/v3/sessions/" + id), 404, "not_found");
    expectError(alice.del("/v3/sessions/" + id), 404, "not_found");
    EXPECT_EQ(bodyOf(alice.get("/v3/sessions")).size(), 1u);
}

TEST_F(SessionApi, DefaultsToTheLast14Days) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto today = at::Date::todayUtc();
    auto s = alice.createSession(nlohmann::json::object());
    EXPECT_EQ(s["date-range"]["End"], today.str());
    EXPECT_EQ(s["date-range"]["Start"], today.plusDays(-13).str());
    auto empty = alice.post("/v3/sessions", "");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->status, 201);
    auto onlyEnd = alice.createSession({{"end", "2017-07-25"}});
    EXPECT_EQ(onlyEnd["date-range"]["Start"], "2017-07-12");
}

// IBM's API page: "You cannot download more that 15 days per session" (server/API.md).
TEST_F(SessionApi, FifteenDaysIsOneSessionSixteenIsRefused) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto s = alice.createSession({{"start", "2018-06-18"}, {"end", "2018-07-02"}});
    EXPECT_EQ(s["date-range"]["End"], "2018-07-02");
    auto msg =
        expectError(alice.post("/v3/sessions", R"({"start":"2018-06-18","end":"2018-07-03"})"), 400,
                    "bad_request");
    EXPECT_NE(msg.find("is 16 days; a session covers at most 15 days"), std::string::npos) << msg;
}

TEST_F(SessionApi, AnotherUsersSessionIs404) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    Caller bob(atd->port(), kBobKey, kSpaceDev);
    auto id = alice.createSession({{"start", "2017-07-25"}})["id"].get<std::string>();
    // Alice reaches her session from any space she is granted, as the download does.
    Caller aliceProd(atd->port(), kAliceKey, kSpaceProd);
    EXPECT_EQ(bodyOf(aliceProd.get("/v3/sessions/" + id))["id"], id);
    expectError(bob.get("/v3/sessions/" + id), 404, "not_found");
    expectError(bob.del("/v3/sessions/" + id), 404, "not_found");
    expectError(bob.get("/v3/events/download", {{"SESSIONID", id}}), 404, "not_found");
    EXPECT_EQ(bodyOf(bob.get("/v3/sessions")).size(), 0u);
    EXPECT_EQ(bodyOf(alice.get("/v3/sessions/" + id))["id"], id);  // still there
}

TEST_F(SessionApi, ThirtyLiveSessionsPerUserAndSpaceThen429) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    std::string first;
    for (int i = 0; i < 30; ++i) {
        auto s = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
        if (i == 0) {
            first = s["id"];
        }
    }
    auto res = alice.post("/v3/sessions", R"({"start":"2017-07-25","end":"2017-07-25"})");
    auto message = expectError(res, 429, "limit_reached");
    EXPECT_EQ(res->get_header_value("Retry-After"), "5");
    EXPECT_NE(message.find("30"), std::string::npos) << message;
    // Another space and another user are counted apart.
    Caller aliceProd(atd->port(), kAliceKey, kSpaceProd);
    aliceProd.createSession({{"start", "2017-07-25"}});
    Caller bob(atd->port(), kBobKey, kSpaceDev);
    bob.createSession({{"start", "2017-07-25"}});
    // Deleting one frees a slot.
    ASSERT_EQ(alice.del("/v3/sessions/" + first)->status, 200);
    alice.createSession({{"start", "2017-07-25"}});
}

struct BadSessionBody {
    std::string name;
    std::string body;
    std::string mentions;
};

class SessionValidation : public ApiTest, public ::testing::WithParamInterface<BadSessionBody> {};

TEST_P(SessionValidation, Is400SayingWhich) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto message = expectError(alice.post("/v3/sessions", GetParam().body), 400, "bad_request");
    EXPECT_NE(message.find(GetParam().mentions), std::string::npos) << message;
    EXPECT_EQ(bodyOf(alice.get("/v3/sessions")).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, SessionValidation,
    ::testing::Values(
        BadSessionBody{"Over15Days", R"({"start":"2017-07-01","end":"2017-07-16"})",
                       "at most 15 days"},
        BadSessionBody{"EndBeforeStart", R"({"start":"2017-07-25","end":"2017-07-24"})",
                       "before start"},
        BadSessionBody{"February30", R"({"start":"2017-02-30","end":"2017-03-01"})", "2017-02-30"},
        BadSessionBody{"UnpaddedDate", R"({"start":"2017-07-25","end":"2017-7-25"})", "end"},
        BadSessionBody{"Hour24", R"({"start":"2017-07-25","SearchTime":"24"})", "hour"},
        BadSessionBody{"HourMinus1", R"({"start":"2017-07-25","SearchTime":-1})", "hour"},
        BadSessionBody{"TruncatedJson", R"({"start":"2017-07-25",)", "malformed JSON"},
        BadSessionBody{"ArrayBody", R"(["2017-07-25"])", "malformed JSON"},
        BadSessionBody{"AccountLevelYes", R"({"start":"2017-07-25","AtAccountLevel":"yes"})",
                       "AtAccountLevel"}),
    [](const ::testing::TestParamInfo<BadSessionBody>& info) { return info.param.name; });

TEST_F(SessionApi, MissingSessionIdHeaderIs400) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    expectError(alice.get("/v3/events/download"), 400, "bad_request");
    expectError(alice.get("/v3/events/download", {{"SESSIONID", "no-such"}}), 404, "not_found");
}

}  // namespace
}  // namespace atdtest
