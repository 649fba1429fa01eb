// Token endpoint, /v3/spaces, and who may act on which domain.
#include <thread>

#include "ApiFixture.h"

namespace atdtest {
namespace {

using AuthApi = ApiTest;

TEST_F(AuthApi, TokenIsLongRandomHexAndListsSortedSpaces) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    Caller again(atd->port(), kAliceKey, kSpaceDev);
    ASSERT_EQ(alice.token.size(), 64u);
    EXPECT_EQ(alice.token.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(alice.token, again.token);
    auto spaces = bodyOf(alice.get("/v3/spaces"));
    EXPECT_EQ(spaces["user"], "alice@example.com");
    EXPECT_EQ(spaces["account_access"], true);
    ASSERT_EQ(spaces["spaces"].size(), 2u);
    EXPECT_EQ(spaces["spaces"][0]["name"], "dev");  // acme/dev before acme/prod
    EXPECT_EQ(spaces["spaces"][1]["guid"], kSpaceProd);
    Caller bob(atd->port(), kBobKey, kSpaceDev);
    auto bobSpaces = bodyOf(bob.get("/v3/spaces"));
    EXPECT_EQ(bobSpaces["account_access"], false);
    EXPECT_EQ(bobSpaces["spaces"].size(), 1u);
}

TEST_F(AuthApi, TokenReplyHasTheUaaFields) {
    httplib::Client http("127.0.0.1", atd->port());
    auto res = http.Post("/UAALoginServerWAR/oauth/token", {{"Authorization", "Basic Y2Y6"}},
                         "grant_type=password&username=apikey&password=" + kBobKey,
                         "application/x-www-form-urlencoded");
    auto body = bodyOf(res);
    EXPECT_EQ(body["token_type"], "bearer");
    EXPECT_EQ(body["expires_in"], 3600);
    EXPECT_TRUE(body.contains("scope"));
    EXPECT_EQ(body["jti"].get<std::string>().size(), 32u);
}

TEST_F(AuthApi, WrongKeyClientOrGrantIs401) {
    httplib::Client http("127.0.0.1", atd->port());
    auto login = [&](const std::string& auth, const std::string& form) {
        return http.Post("/UAALoginServerWAR/oauth/token", {{"Authorization", auth}}, form,
                         "application/x-www-form-urlencoded");
    };
    expectError(login("Basic Y2Y6", "grant_type=password&username=apikey&password=nope"), 401,
                "unauthorized");
    expectError(login("Basic eDp5", "grant_type=password&username=apikey&password=" + kAliceKey),
                401, "unauthorized");
    expectError(login("Basic Y2Y6", "grant_type=client&username=apikey&password=" + kAliceKey), 401,
                "unauthorized");
}

TEST_F(AuthApi, MissingOrWrongTokenIs401) {
    httplib::Client http("127.0.0.1", atd->port());
    expectError(http.Get("/v3/spaces"), 401, "unauthorized");
    expectError(http.Get("/v3/spaces", {{"X-Auth-Token", "bearer " + std::string(64, 'a')}}), 401,
                "unauthorized");
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    // The bearer prefix is optional and case-insensitive.
    auto res = http.Get("/v3/spaces", {{"X-Auth-Token", "BEARER " + alice.token}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    res = http.Get("/v3/spaces", {{"X-Auth-Token", alice.token}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
}

TEST_F(AuthApi, ExpiredTokenIs401) {
    startAtd({"--token-ttl", "2"});
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    ASSERT_EQ(alice.get("/v3/spaces")->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2300));
    auto message = expectError(alice.get("/v3/spaces"), 401, "unauthorized");
    EXPECT_NE(message.find("expired"), std::string::npos) << message;
}

TEST_F(AuthApi, SpaceNotGrantedIs403) {
    Caller bob(atd->port(), kBobKey, kSpaceProd);
    auto message = expectError(bob.get("/v3/events"), 403, "forbidden");
    EXPECT_NE(message.find(kSpaceProd), std::string::npos) << message;
    bob.space = kSpaceOther;
    expectError(bob.post("/v3/sessions", "{}"), 403, "forbidden");
    expectError(bob.post("/v3/events", eventLine("x", "2017-07-25T10:00:00Z")), 403, "forbidden");
    expectError(bob.get("/v3/sessions"), 403, "forbidden");
    expectError(bob.get("/v3/events/download", {{"SESSIONID", "x"}}), 403, "forbidden");
    bob.space = "";
    expectError(bob.get("/v3/events"), 403, "forbidden");
    expectError(bob.get("/v3/options"), 403, "forbidden");
}

TEST_F(AuthApi, AccountDomainWithoutAccountAccessIs403) {
    Caller bob(atd->port(), kBobKey, kSpaceDev);
    expectError(bob.get("/v3/events?AtAccountLevel=true"), 403, "forbidden");
    expectError(bob.post("/v3/sessions", R"({"AtAccountLevel":true})"), 403, "forbidden");
    expectError(bob.get("/v3/options?AtAccountLevel=true"), 403, "forbidden");
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(bodyOf(alice.get("/v3/events?AtAccountLevel=true"))["domain"], "account");
    EXPECT_EQ(bodyOf(alice.get("/v3/events"))["domain"], kSpaceDev);
}

TEST_F(AuthApi, LogNeverHoldsKeysOrTokens) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    alice.get("/v3/spaces");
    // atd logs a request after replying to it, so give the line a moment to land.
    auto log = atd->log();
    for (int i = 0; i < 100 && log.find("GET /v3/spaces 200") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        log = atd->log();
    }
    EXPECT_NE(log.find("GET /v3/spaces 200"), std::string::npos) << log;
    EXPECT_EQ(log.find(kAliceKey), std::string::npos);
    EXPECT_EQ(log.find(alice.token), std::string::npos);
}

TEST_F(AuthApi, UnknownEndpointIsJson404) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    expectError(alice.get("/v3/nothing"), 404, "not_found");
}

}  // namespace
}  // namespace atdtest
