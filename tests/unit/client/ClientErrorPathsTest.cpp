// The JSON calls against a fake service: token refresh, Retry-After, retry budgets, error
// mapping, replies that are not what the API promises.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>

#include "FakeService.h"
#include "at/Client.h"

namespace at {
namespace {

using namespace std::chrono_literals;
using test::FakeService;

const char* kSpacesJson =
    R"({"user":"u@example.com","account_access":true,"spaces":[{"guid":"g1","name":"dev","org":"acme"}]})";
const char* kSessionJson =
    R"({"id":"s-1","space":"g1","username":"u@example.com","create-time":"t","access-time":"t",)"
    R"("date-range":{"Start":"2017-07-25","End":"2017-07-25"},)"
    R"("types":{"Type":"ActivityTracker","AtAccountLevel":false},"search-time":"3",)"
    R"("count":12,"size":3400,"gzip-size":700,"tag":"atfs:test"})";

template <class F>
ApiError expectApiError(F f) {
    try {
        f();
    } catch (const ApiError& e) {
        return e;
    }
    ADD_FAILURE() << "no ApiError thrown";
    return ApiError(ErrorKind::Config, "", 0, "");
}

TEST(ClientCalls, RefreshesTheTokenOnceAfter401) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Get("/v3/spaces", [&](const httplib::Request& req, httplib::Response& res) {
        ++calls;
        if (FakeService::tokenOf(req) == "token-1") {
            FakeService::replyError(res, 401, "unauthorized", "token expired");
        } else {
            FakeService::replyJson(res, 200, kSpacesJson);
        }
    });
    fake.start();
    Client client(fake.options());
    const SpaceList spaces = client.spaces();
    ASSERT_EQ(spaces.spaces.size(), 1u);
    EXPECT_EQ(spaces.spaces[0].guid, "g1");
    EXPECT_TRUE(spaces.accountAccess);
    EXPECT_EQ(fake.tokenCalls(), 2);
    EXPECT_EQ(calls.load(), 2);
}

TEST(ClientCalls, A401AfterTheRefreshIsAuth) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Get("/v3/spaces", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        FakeService::replyError(res, 401, "unauthorized", "no such token");
    });
    fake.start();
    Client client(fake.options());
    const ApiError e = expectApiError([&] { client.spaces(); });
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    EXPECT_EQ(e.httpStatus(), 401);
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(fake.tokenCalls(), 2);
    EXPECT_NE(std::string(e.what()).find("GET /v3/spaces"), std::string::npos) << e.what();
}

TEST(ClientCalls, RefusedOrMissingApiKey) {
    FakeService fake;
    fake.start();
    ClientOptions o = fake.options();
    o.apiKey = "bad-key";
    Client badKey(o);
    const ApiError refused = expectApiError([&] { badKey.login(); });
    EXPECT_EQ(refused.kind(), ErrorKind::Auth);
    EXPECT_EQ(std::string(refused.what()).find("bad-key"), std::string::npos) << "key leaked";
    o.apiKey = "";
    Client noKey(o);
    EXPECT_EQ(expectApiError([&] { noKey.login(); }).kind(), ErrorKind::Config);
}

TEST(ClientCalls, TokenIsRefreshedBeforeItExpires) {
    FakeService fake;
    fake.setTokenTtlSeconds(4);  // refreshed after 3.2 s: room for a slow machine
    std::vector<std::string> seen;
    std::mutex mutex;
    fake.server().Get("/v3/spaces", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        seen.push_back(FakeService::tokenOf(req));
        FakeService::replyJson(res, 200, kSpacesJson);
    });
    fake.start();
    Client client(fake.options());
    client.spaces();
    client.spaces();
    std::this_thread::sleep_for(3500ms);
    client.spaces();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], "token-1");
    EXPECT_EQ(seen[1], "token-1");  // cached
    EXPECT_EQ(seen[2], "token-2");
}

TEST(ClientCalls, HonoursRetryAfterOn429EvenForPostSessions) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Post("/v3/sessions", [&](const httplib::Request& req, httplib::Response& res) {
        if (++calls == 1) {
            res.set_header("Retry-After", "1");
            FakeService::replyError(res, 429, "limit_reached", "30 live sessions");
            return;
        }
        EXPECT_EQ(req.get_header_value("X-Auth-Project-Id"), "g1");
        EXPECT_NE(req.body.find("\"SearchTime\":\"3\""), std::string::npos) << req.body;
        FakeService::replyJson(res, 201, kSessionJson);
    });
    fake.start();
    Client client(fake.options());
    client.login();
    SessionRequest request;
    request.start = Date::parse("2017-07-25");
    request.end = request.start;
    request.hour = 3;
    request.tag = "atfs:test";
    const auto begin = std::chrono::steady_clock::now();
    const Session s = client.createSession(Domain{"g1", false}, request);
    const auto waited = std::chrono::steady_clock::now() - begin;
    EXPECT_EQ(calls.load(), 2);
    EXPECT_GE(waited, 900ms);  // the service asked for a second; backoff alone is 10 ms
    EXPECT_EQ(s.id, "s-1");
    EXPECT_EQ(s.hour, 3);
    EXPECT_EQ(s.gzipSize, 700u);
    EXPECT_EQ(s.tag, "atfs:test");
}

TEST(ClientCalls, LimitReachedAfterTheBudgetCarriesRetryAfter) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Post("/v3/sessions", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        res.set_header("Retry-After", "30");  // beyond maxRetryTimeMs: give up at once
        FakeService::replyError(res, 429, "limit_reached", "30 live sessions");
    });
    fake.start();
    ClientOptions o = fake.options();
    o.maxRetryTimeMs = 2000;
    Client client(o);
    const ApiError e = expectApiError([&] { client.createSession(Domain{"g1"}, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::LimitReached);
    EXPECT_EQ(e.retryAfterSeconds(), 30);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_NE(e.serviceMessage().find("30 live sessions"), std::string::npos);
}

TEST(ClientCalls, Retries503ThenGivesUpWithServer) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Get("/v3/events", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        FakeService::replyError(res, 503, "unavailable", "warming up");
    });
    fake.start();
    ClientOptions o = fake.options();
    o.maxAttempts = 3;
    Client client(o);
    const ApiError e = expectApiError([&] { client.status(Domain{"g1"}, {}, {}, false); });
    EXPECT_EQ(e.kind(), ErrorKind::Server);
    EXPECT_EQ(e.httpStatus(), 503);
    EXPECT_EQ(calls.load(), 3);
}

TEST(ClientCalls, A503ThenSuccessSucceeds) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Get("/v3/events", [&](const httplib::Request& req, httplib::Response& res) {
        if (++calls < 3)
            return FakeService::replyError(res, 503, "unavailable", "busy");
        EXPECT_EQ(req.get_param_value("hours"), "true");
        EXPECT_EQ(req.get_param_value("AtAccountLevel"), "true");
        EXPECT_EQ(req.get_param_value("start"), "2017-07-25");
        FakeService::replyJson(res, 200,
                               R"({"domain":"account","days":[{"date":"2017-07-25","count":3,)"
                               R"("size":300,"gzip_size":120,"hours":[{"hour":10,"count":3,)"
                               R"("size":300,"gzip_size":120}]}]})");
    });
    fake.start();
    Client client(fake.options());
    const auto days = client.status(Domain{"g1", true}, Date::parse("2017-07-25"), {}, true);
    ASSERT_EQ(days.size(), 1u);
    EXPECT_EQ(days[0].date.str(), "2017-07-25");
    ASSERT_EQ(days[0].hours.size(), 1u);
    EXPECT_EQ(days[0].hours[0].hour, 10);
    EXPECT_EQ(days[0].hours[0].gzipSize, 120u);
    EXPECT_EQ(calls.load(), 3);
}

TEST(ClientCalls, PostSessionsIsNotRetriedAfterA500) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Post("/v3/sessions", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        FakeService::replyError(res, 500, "internal", "disk full");
    });
    fake.start();
    Client client(fake.options());
    const ApiError e = expectApiError([&] { client.createSession(Domain{"g1"}, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::Server);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
}

TEST(ClientCalls, PostSessionsIsNotRetriedWhenTheReplyIsCut) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Post("/v3/sessions", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        res.status = 201;
        // Headers go out, then the connection drops: the session may well exist now.
        res.set_content_provider(100, "application/json",
                                 [](size_t, size_t, httplib::DataSink& sink) {
                                     sink.write("{\"id\":", 6);
                                     return false;
                                 });
    });
    fake.start();
    Client client(fake.options());
    const ApiError e = expectApiError([&] { client.createSession(Domain{"g1"}, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::Network);
    EXPECT_EQ(calls.load(), 1);
}

TEST(ClientCalls, GetIsRetriedWhenTheReplyIsCut) {
    FakeService fake;
    std::atomic<int> calls{0};
    fake.server().Get("/v3/spaces", [&](const httplib::Request&, httplib::Response& res) {
        if (++calls == 1) {
            res.set_content_provider(100, "application/json",
                                     [](size_t, size_t, httplib::DataSink&) { return false; });
            return;
        }
        FakeService::replyJson(res, 200, kSpacesJson);
    });
    fake.start();
    Client client(fake.options());
    EXPECT_EQ(client.spaces().user, "u@example.com");
    EXPECT_EQ(calls.load(), 2);
}

TEST(ClientCalls, RepliesThatAreNotTheApiAreProtocolErrors) {
    FakeService fake;
    std::atomic<int> variant{0};
    fake.server().Get("/v3/spaces", [&](const httplib::Request&, httplib::Response& res) {
        static const char* bodies[] = {"not json{", R"({"spaces":5})", R"({"spaces":[{"guid":1}]})",
                                       "[]", ""};
        FakeService::replyJson(res, 200, bodies[variant.load()]);
    });
    fake.server().Get("/v3/sessions/s-1", [&](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(res, 200,
                               R"({"id":"s-1","date-range":{"Start":"2017-02-30","End":"x"}})");
    });
    fake.start();
    Client client(fake.options());
    for (int i = 0; i < 5; ++i) {
        variant = i;
        const ApiError e = expectApiError([&] { client.spaces(); });
        EXPECT_EQ(e.kind(), ErrorKind::Protocol) << i << ": " << e.what();
    }
    EXPECT_EQ(expectApiError([&] { client.getSession(Domain{"g1"}, "s-1"); }).kind(),
              ErrorKind::Protocol);
}

TEST(ClientCalls, ServiceErrorsMapToKindsWithTheServiceMessage) {
    FakeService fake;
    fake.server().Get("/v3/sessions/gone", [](const httplib::Request&, httplib::Response& res) {
        FakeService::replyError(res, 404, "not_found", "no session gone");
    });
    fake.server().Get("/v3/options", [](const httplib::Request&, httplib::Response& res) {
        FakeService::replyError(res, 403, "forbidden", "no account access");
    });
    fake.server().Delete("/v3/events", [](const httplib::Request&, httplib::Response& res) {
        FakeService::replyError(res, 400, "bad_request", "end before start");
    });
    fake.server().Post("/v3/events", [](const httplib::Request&, httplib::Response& res) {
        res.status = 502;
        res.set_content("<html>Bad Gateway</html>", "text/html");
    });
    fake.start();
    Client client(fake.options());
    const ApiError nf = expectApiError([&] { client.getSession(Domain{"g1"}, "gone"); });
    EXPECT_EQ(nf.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(nf.what()).find("/v3/sessions/gone"), std::string::npos);
    // The service's message alone: its code is for programs, not repeated in the text.
    EXPECT_EQ(nf.serviceMessage(), "no session gone");
    EXPECT_EQ(nf.serviceCode(), "not_found");
    EXPECT_EQ(std::string(nf.what()).find("not_found"), std::string::npos) << nf.what();
    EXPECT_EQ(expectApiError([&] {
                  client.retention(Domain{"g1", true});
              }).kind(),
              ErrorKind::Forbidden);
    const Date d = *Date::parse("2017-07-25");
    const ApiError bad = expectApiError([&] { client.deleteEvents(Domain{"g1"}, d, d, {}); });
    EXPECT_EQ(bad.kind(), ErrorKind::BadRequest);
    EXPECT_EQ(bad.serviceMessage(), "end before start");
    EXPECT_EQ(bad.serviceCode(), "bad_request");
    const ApiError gw = expectApiError([&] { client.ingest(Domain{"g1"}, "{}\n"); });
    EXPECT_EQ(gw.kind(), ErrorKind::Server);
    EXPECT_NE(gw.serviceMessage().find("Bad Gateway"), std::string::npos);
    EXPECT_EQ(gw.serviceCode(), "");
}

TEST(ClientCalls, ConnectionsAreReusedAndCarryTheUserAgent) {
    FakeService fake;
    std::mutex mutex;
    std::set<int> clientPorts;
    std::set<std::string> agents;
    fake.server().Get("/v3/spaces", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        clientPorts.insert(req.remote_port);
        agents.insert(req.get_header_value("User-Agent"));
        FakeService::replyJson(res, 200, kSpacesJson);
    });
    fake.start();
    ClientOptions o = fake.options();
    o.userAgent = "atclient-test/1.0";
    Client client(o);
    for (int i = 0; i < 5; ++i)
        client.spaces();
    EXPECT_EQ(clientPorts.size(), 1u) << "each call opened its own connection";
    EXPECT_EQ(agents, std::set<std::string>{"atclient-test/1.0"});
}

TEST(ClientCalls, UnreachableServiceIsNetwork) {
    // A port bound (never listened on) and released: connecting to it is refused at once.
    int port = 0;
    {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        socklen_t len = sizeof addr;
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
        close(fd);
    }
    ClientOptions o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port);
    o.apiKey = "k";
    o.maxAttempts = 2;
    o.backoffBaseMs = 10;
    Client client(o);
    const auto begin = std::chrono::steady_clock::now();
    const ApiError e = expectApiError([&] { client.spaces(); });
    EXPECT_EQ(e.kind(), ErrorKind::Network);
    EXPECT_EQ(e.httpStatus(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);  // refused: no timeout to wait out
}

}  // namespace
}  // namespace at
