// Issue 9: guessing API keys at the token endpoint is braked (429 with Retry-After after a few
// failures), while a right key from another client still gets its token at once.
#include "ApiFixture.h"
#include "RawHttp.h"
#include "service/LoginThrottle.h"

namespace atdtest {
namespace {

std::string tokenRequest(const std::string& apiKey) {
    std::string form = "grant_type=password&username=apikey&password=" + apiKey;
    return "POST /UAALoginServerWAR/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\nAuthorization: Basic Y2Y6\r\n"
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(form.size()) + "\r\n\r\n" + form;
}

class LoginThrottleApi : public ApiTest {};

TEST_F(LoginThrottleApi, WrongKeysGet429WhileARightKeyFromAnotherClientLogsIn) {
    int unauthorized = 0, throttled = 0;
    for (int i = 0; i < 50; ++i) {
        auto reply = sendRaw(atd->port(), tokenRequest("guess-" + std::to_string(i)));
        if (reply.status == 401) {
            ++unauthorized;
            EXPECT_EQ(throttled, 0) << "a 401 after a 429 at attempt " << i;
        } else if (reply.status == 429) {
            ++throttled;
            int wait = std::atoi(headerOf(reply, "Retry-After").c_str());
            EXPECT_GE(wait, 1) << reply.headers;
            EXPECT_LE(wait, 60) << reply.headers;
            EXPECT_NE(reply.body.find("limit_reached"), std::string::npos) << reply.body;
        } else {
            ADD_FAILURE() << "attempt " << i << ": HTTP " << reply.status << " " << reply.body;
        }
    }
    EXPECT_GE(unauthorized, 1);
    EXPECT_LE(unauthorized, 10) << "the brake never engaged";
    EXPECT_EQ(throttled, 50 - unauthorized);
    // The attacker's address is braked even for a right key (else the brake would be an
    // oracle); another client with its right key is not.
    EXPECT_EQ(sendRaw(atd->port(), tokenRequest(kAliceKey)).status, 429);
    auto other = sendRaw(atd->port(), tokenRequest(kAliceKey), "127.0.0.2");
    EXPECT_EQ(other.status, 200) << other.body;
    EXPECT_NE(other.body.find("access_token"), std::string::npos) << other.body;
}

TEST_F(LoginThrottleApi, OneWrongKeyTriedFromManyAddressesIsBraked) {
    int throttled = 0;
    for (int i = 0; i < 12; ++i) {
        auto peer = "127.0.1." + std::to_string(i + 1);
        throttled += sendRaw(atd->port(), tokenRequest("the-same-guess"), peer).status == 429;
    }
    EXPECT_GE(throttled, 1);
    EXPECT_EQ(sendRaw(atd->port(), tokenRequest(kBobKey), "127.0.2.1").status, 200);
}

using atd::LoginThrottle;

TEST(LoginThrottle, FailuresExpireWithTheWindow) {
    LoginThrottle throttle(LoginThrottle::Limits{3, std::chrono::seconds(60), 100});
    auto t0 = LoginThrottle::Clock::time_point{} + std::chrono::hours(1);
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(throttle.retryAfter("p", "k" + std::to_string(i), t0));
        throttle.recordFailure("p", "k" + std::to_string(i), t0);
    }
    auto wait = throttle.retryAfter("p", "another", t0 + std::chrono::seconds(10));
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 50);
    EXPECT_FALSE(throttle.retryAfter("q", "another", t0));  // other peers are not slowed
    EXPECT_FALSE(throttle.retryAfter("p", "another", t0 + std::chrono::seconds(60)));
}

TEST(LoginThrottle, MemoryStaysBoundedUnderAFloodOfPeers) {
    LoginThrottle throttle(LoginThrottle::Limits{3, std::chrono::seconds(60), 100});
    auto t0 = LoginThrottle::Clock::time_point{} + std::chrono::hours(1);
    for (int i = 0; i < 3; ++i)
        throttle.recordFailure("attacker", "k" + std::to_string(i), t0);
    for (int i = 0; i < 10000; ++i)
        throttle.recordFailure("peer" + std::to_string(i), "x" + std::to_string(i), t0);
    EXPECT_TRUE(throttle.retryAfter("attacker", "k9", t0)) << "the busiest peer was forgotten";
    EXPECT_LE(throttle.tracked(), 200u);
}

}  // namespace
}  // namespace atdtest
