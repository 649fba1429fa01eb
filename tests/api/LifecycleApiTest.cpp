// atd as a process: restart keeps sessions and events, idle timeout, SIGTERM, concurrency,
// command line errors, and a demo data folder served end to end.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "ApiFixture.h"
#include "at/Time.h"

namespace atdtest {
namespace {

std::string dayOfEvents(const std::string& day, int n, const std::string& prefix) {
    std::string body;
    for (int i = 0; i < n; ++i) {
        char time[64];
        std::snprintf(time, sizeof time, "%sT%02d:%02d:%02dZ", day.c_str(), i % 24, i % 60,
                      (i / 60) % 60);
        body += eventLine(prefix + std::to_string(i), time) + "\n";
    }
    return body;
}

using LifecycleApi = ApiTest;

TEST_F(LifecycleApi, RestartKeepsSessionsAndEvents) {
    std::string id, before, status;
    {
        Caller alice(atd->port(), kAliceKey, kSpaceDev);
        alice.ingest(dayOfEvents("2017-07-25", 500, "r"));
        id = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}})["id"];
        before = alice.download(id);
        alice.ingest(dayOfEvents("2017-07-25", 10, "after"));  // the session must not see these
        status = alice.get("/v3/events")->body;
    }
    EXPECT_EQ(atd->stop(SIGTERM).code, 0);
    startAtd();
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(bodyOf(alice.get("/v3/sessions/" + id))["id"], id);
    EXPECT_EQ(alice.download(id), before);
    EXPECT_EQ(alice.get("/v3/events")->body, status);
    EXPECT_EQ(bodyOf(alice.del("/v3/sessions/" + id))["message"], "Delete session success");
    EXPECT_FALSE(std::filesystem::exists(dataDir() / "sessions" / (id + ".json")));
}

TEST_F(LifecycleApi, UnreadableSessionFileIsReportedAndMovedAside) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto id = alice.createSession({{"start", "2017-07-25"}})["id"].get<std::string>();
    EXPECT_EQ(atd->stop(SIGTERM).code, 0);
    auto bad = dataDir() / "sessions" / "0badf11e-0000-4000-8000-000000000000.json";
    std::ofstream(bad) << "{not json";
    startAtd();
    EXPECT_TRUE(std::filesystem::exists(bad.string() + ".bad"));
    EXPECT_NE(atd->log().find("0badf11e"), std::string::npos) << atd->log();
    Caller again(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(bodyOf(again.get("/v3/sessions")).size(), 1u);
    EXPECT_EQ(bodyOf(again.get("/v3/sessions/" + id))["id"], id);
}

TEST_F(LifecycleApi, IdleTimeoutDeletesSessions) {
    startAtd({"--session-idle-timeout", "1"});
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto id = alice.createSession({{"start", "2017-07-25"}})["id"].get<std::string>();
    EXPECT_EQ(alice.get("/v3/sessions/" + id)->status, 200);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 200;
    while (status == 200 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        status = alice.get("/v3/sessions/" + id)->status;
    }
    EXPECT_EQ(status, 404);
    EXPECT_FALSE(std::filesystem::exists(dataDir() / "sessions" / (id + ".json")));
}

TEST_F(LifecycleApi, SigtermExitsZeroPromptly) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    auto exit = atd->stop(SIGTERM);
    EXPECT_EQ(exit.code, 0);
    EXPECT_LT(exit.took.count(), 3000);
}

TEST_F(LifecycleApi, SigintExitsZero) {
    EXPECT_EQ(atd->stop(SIGINT).code, 0);
}

TEST_F(LifecycleApi, EightConcurrentDownloadsAndIngests) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    alice.ingest(dayOfEvents("2017-07-25", 3000, "c"));
    auto id = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}})["id"];
    auto expected = alice.download(id);
    std::atomic<int> sameBytes{0}, accepted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            Caller c(atd->port(), kAliceKey, kSpaceDev);
            if (c.download(id) == expected) {
                ++sameBytes;
            }
            accepted += int(c.ingest(dayOfEvents("2017-07-26", 200, "t" + std::to_string(t))));
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(sameBytes, 8);
    EXPECT_EQ(accepted, 1600);
    auto status = bodyOf(alice.get("/v3/events?start=2017-07-26"));
    EXPECT_EQ(status["days"][0]["count"], 1600);
}

TEST_F(LifecycleApi, FortyConcurrentDownloadsAreServed) {
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    alice.ingest(dayOfEvents("2017-07-25", 200, "f"));
    auto s = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
    // Forty connections that each start a download and hold it open: all must get replies.
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 40; ++t) {
        threads.emplace_back([&] {
            httplib::Client http("127.0.0.1", atd->port());
            http.set_read_timeout(20, 0);
            size_t got = 0;
            auto res = http.Get("/v3/events/download", alice.headersWith({{"SESSIONID", s["id"]}}),
                                [&](const char*, size_t n) {
                                    got += n;
                                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                                    return true;
                                });
            if (res && res->status == 200 && got == s["gzip-size"].get<size_t>()) {
                ++ok;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok, 40);
}

TEST(AtdCommandLine, BadArgumentsPrintUsageAndExit2) {
    TempDir tmp;
    auto r = runAtd({"serve", "--data", tmp.path().string(), "--listen", "nonsense"}, tmp.path());
    EXPECT_EQ(r.status.code, 2);
    EXPECT_NE(r.err.find("--listen"), std::string::npos) << r.err;
    r = runAtd({"serve", "--bogus"}, tmp.path());
    EXPECT_EQ(r.status.code, 2);
    r = runAtd({}, tmp.path());
    EXPECT_EQ(r.status.code, 2);
    r = runAtd({"serve", "--data", tmp.path().string(), "--token-ttl", "x"}, tmp.path());
    EXPECT_EQ(r.status.code, 2);
}

TEST(AtdCommandLine, UnreadableUsersFileExits1WithOneLine) {
    TempDir tmp;
    auto r = runAtd({"serve", "--data", (tmp.path() / "data").string(), "--listen", "127.0.0.1:0",
                     "--users", (tmp.path() / "missing.json").string()},
                    tmp.path());
    EXPECT_EQ(r.status.code, 1);
    EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    std::ofstream(tmp.path() / "bad.json") << "{\"users\":[{\"name\":3}]}";
    r = runAtd({"serve", "--data", (tmp.path() / "data").string(), "--users",
                (tmp.path() / "bad.json").string()},
               tmp.path());
    EXPECT_EQ(r.status.code, 1);
    EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
}

TEST(AtdDemo, DemoDataIsServedEndToEnd) {
    TempDir tmp;
    auto data = tmp.path() / "data";
    auto today = at::Date::todayUtc();
    auto r = runAtd({"demo", "--data", data.string(), "--spaces", "2", "--days", "2",
                     "--events-per-day", "300", "--seed", "7", "--last-day", today.str()},
                    tmp.path());
    ASSERT_EQ(r.status.code, 0) << r.err;
    EXPECT_NE(r.out.find("demo-apikey-0123456789abcdef"), std::string::npos) << r.out;
    AtdProcess atd(data);
    Caller demo(atd.port(), "demo-apikey-0123456789abcdef", "");
    auto spaces = bodyOf(demo.get("/v3/spaces"));
    ASSERT_EQ(spaces["spaces"].size(), 2u);
    EXPECT_EQ(spaces["account_access"], true);
    demo.space = spaces["spaces"][0]["guid"];
    auto status = bodyOf(demo.get("/v3/events?AtAccountLevel=true"));
    ASSERT_FALSE(status["days"].empty());
    auto s = demo.createSession({{"AtAccountLevel", true}});  // the last 14 days
    uint64_t count = 0;
    for (const auto& d : status["days"]) {
        count += d["count"].get<uint64_t>();
    }
    EXPECT_EQ(s["count"], count);
    auto lines = splitLines(gunzipAll(demo.download(s["id"])));
    EXPECT_EQ(lines.size(), count);
    int64_t previous = 0;
    for (const auto& l : lines) {
        auto t = at::parseEventTime(nlohmann::json::parse(l)["eventTime"].get<std::string>());
        ASSERT_TRUE(t) << l;
        EXPECT_LE(previous, *t) << "not in eventTime order: " << l;
        previous = *t;
    }
    Caller auditor(atd.port(), "demo-apikey-0123456789abcdef-auditor", demo.space);
    expectError(auditor.get("/v3/events?AtAccountLevel=true"), 403, "forbidden");
}

// `atd demo --data d` resolves d against the working folder; a relative path once recursed
// without end creating its parents (a stack overflow, SIGSEGV), where an absolute one worked.
TEST(AtdDemo, RelativeDataFolderWorks) {
    TempDir tmp;
    for (const std::string rel : {"d", "nested/d", "./dot"}) {
        auto r = runAtd({"demo", "--data", rel, "--spaces", "3", "--days", "1", "--events-per-day",
                         "100", "--last-day", "2017-07-25"},
                        tmp.path());
        ASSERT_EQ(r.status.signal, 0) << rel << " killed by signal " << r.status.signal;
        ASSERT_EQ(r.status.code, 0) << rel << ": " << r.err;
        EXPECT_TRUE(std::filesystem::is_regular_file(tmp.path() / rel / "users.json")) << rel;
        EXPECT_TRUE(std::filesystem::is_directory(tmp.path() / rel / "events/account")) << rel;
    }
}

// The demo grants spaces acme/dev, globex/staging, acme/prod in that order; API.md wants them
// sorted by org, then name.
TEST(AtdDemo, DemoSpacesAreListedByOrgThenName) {
    TempDir tmp;
    auto data = tmp.path() / "data";
    auto r = runAtd({"demo", "--data", data.string(), "--spaces", "5", "--days", "1",
                     "--events-per-day", "50", "--last-day", "2017-07-25"},
                    tmp.path());
    ASSERT_EQ(r.status.code, 0) << r.err;
    AtdProcess atd(data);
    Caller demo(atd.port(), "demo-apikey-0123456789abcdef", "");
    auto spaces = bodyOf(demo.get("/v3/spaces"))["spaces"];
    ASSERT_EQ(spaces.size(), 5u);
    std::vector<std::pair<std::string, std::string>> listed;
    for (const auto& s : spaces)
        listed.emplace_back(s["org"].get<std::string>(), s["name"].get<std::string>());
    auto sorted = listed;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(listed, sorted);
    EXPECT_NE(listed.front().first, listed.back().first) << "expected spaces of two orgs";
}

}  // namespace
}  // namespace atdtest
