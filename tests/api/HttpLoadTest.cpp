// Issue 9 under load: slow-loris connections do not starve a normal client, and 64 concurrent
// downloads and ingests lose nothing. Separate binary (label "load"): these take tens of
// seconds. ATFS_LOAD_SECONDS sets the concurrent phase (default: the 60 s).
#include <atomic>
#include <cstdlib>
#include <random>
#include <thread>

#include "ApiFixture.h"
#include "RawHttp.h"

namespace atdtest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The issue's bound for one small request, and for a download's first byte: "none slower than
// 1 s beyond its transfer time". A correctness bound (is anyone starved?), not a speed test.
constexpr auto kLatencyBound = 1s;

// `n` events of ~4 KiB on `day`, with random text so the gzip stays near its input's size.
std::string bulkyEvents(const std::string& day, int n, const std::string& prefix, uint32_t seed) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::mt19937 random(seed);
    std::string body;
    for (int i = 0; i < n; ++i) {
        char time[64];
        std::snprintf(time, sizeof time, "%sT%02d:%02d:%02dZ", day.c_str(), i % 24, (i / 24) % 60,
                      (i / 1440) % 60);
        auto e = nlohmann::json::parse(eventLine(prefix + std::to_string(i), time));
        std::string pad(4000, ' ');
        for (auto& c : pad)
            c = kAlphabet[random() % 64];
        e["requestData"] = {{"pad", pad}};
        body += e.dump() + "\n";
    }
    return body;
}

using HttpLoad = ApiTest;

TEST_F(HttpLoad, SlowLorisDoesNotStarveANormalClient) {
    startAtd({"--max-connections-per-ip", "512", "--quiet"});
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    // ~100 MB of gzip to download: 5 batches of 6400 events of 4 KiB.
    for (int b = 0; b < 5; ++b) {
        alice.ingest(bulkyEvents("2017-07-25", 6400, "b" + std::to_string(b) + "-", uint32_t(b)));
    }
    auto session = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
    const size_t expectedBytes = session["gzip-size"].get<size_t>();
    ASSERT_GT(expectedBytes, size_t(90) << 20);

    // 200 connections from another peer, each sending one more header byte every 2 s.
    std::atomic<bool> stop{false};
    std::atomic<int> open{0};
    std::thread loris([&] {
        std::vector<std::unique_ptr<RawConnection>> conns;
        for (int i = 0; i < 200; ++i) {
            conns.push_back(std::make_unique<RawConnection>(atd->port(), "127.0.0.2", 2s));
            conns.back()->send("GET /v3/spaces HTTP/1.1\r\nX-Slow: ");
        }
        for (int round = 0; round < 60 && !stop; ++round) {  // at most 2 minutes
            int alive = 0;
            for (auto& c : conns)
                alive += c->send("a") ? 1 : 0;
            open = alive;
            for (int t = 0; t < 20 && !stop; ++t)
                std::this_thread::sleep_for(100ms);
        }
    });
    std::this_thread::sleep_for(3s);  // every slow connection is in and has dripped once
    EXPECT_EQ(open.load(), 200);

    httplib::Client http("127.0.0.1", atd->port());
    http.set_read_timeout(30, 0);
    for (int i = 0; i < 100; ++i) {
        const auto begin = Clock::now();
        auto res = http.Get("/v3/spaces", alice.headers());
        ASSERT_TRUE(res) << "request " << i << ": " << httplib::to_string(res.error());
        EXPECT_EQ(res->status, 200);
        EXPECT_LT(Clock::now() - begin, kLatencyBound) << "request " << i;
    }
    const auto begin = Clock::now();
    std::optional<Clock::duration> firstByte;
    size_t got = 0;
    auto res = http.Get("/v3/events/download", alice.headersWith({{"SESSIONID", session["id"]}}),
                        [&](const char*, size_t n) {
                            if (!firstByte)
                                firstByte = Clock::now() - begin;
                            got += n;
                            return true;
                        });
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(got, expectedBytes);
    ASSERT_TRUE(firstByte);
    EXPECT_LT(*firstByte, kLatencyBound);
    EXPECT_EQ(open.load(), 200) << "the slow connections were closed during the test";
    stop = true;
    loris.join();
}

TEST_F(HttpLoad, SixtyFourConcurrentDownloadsAndIngestsLoseNothing) {
    int seconds = 60;
    if (const char* env = std::getenv("ATFS_LOAD_SECONDS"))
        seconds = std::max(1, std::atoi(env));
    startAtd({"--quiet"});
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    alice.ingest(bulkyEvents("2017-07-25", 500, "base-", 7));
    auto id = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}})["id"];
    const std::string expected = alice.download(id);
    ASSERT_GT(expected.size(), size_t(1) << 20);

    const auto until = Clock::now() + std::chrono::seconds(seconds);
    std::atomic<uint64_t> downloads{0}, badDownloads{0}, accepted{0}, posted{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 64; ++t) {
        threads.emplace_back([&, t] {
            Caller c(atd->port(), kAliceKey, kSpaceDev);
            c.http.set_read_timeout(60, 0);
            for (int round = 0; Clock::now() < until && round < 100000; ++round) {
                if (t % 2 == 0) {
                    auto res = c.get("/v3/events/download", {{"SESSIONID", id}});
                    if (!res || res->status != 200) {
                        ++failures;
                    } else if (res->body != expected) {
                        ++badDownloads;
                    }
                    ++downloads;
                } else {
                    const std::string prefix =
                        "w" + std::to_string(t) + "-" + std::to_string(round) + "-";
                    auto res = c.post("/v3/events?AtAccountLevel=false",
                                      bulkyEvents("2017-07-26", 50, prefix, uint32_t(round)),
                                      "application/x-ndjson");
                    if (!res || res->status != 200) {
                        ++failures;
                    } else {
                        accepted += nlohmann::json::parse(res->body)["accepted"].get<uint64_t>();
                    }
                    posted += 50;
                }
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0u);
    EXPECT_EQ(badDownloads.load(), 0u) << "of " << downloads.load() << " downloads";
    EXPECT_GT(downloads.load(), 32u);
    EXPECT_EQ(accepted.load(), posted.load());
    auto status = bodyOf(alice.get("/v3/events?start=2017-07-26&end=2017-07-26"));
    ASSERT_EQ(status["days"].size(), 1u) << status;
    EXPECT_EQ(status["days"][0]["count"].get<uint64_t>(), posted.load());
}

// An ingest of ~200 MiB takes seconds to commit. With one event-loop thread, the small requests
// share that thread with it: they are still answered within the bound while it commits (the
// commit runs on a handler thread, the event loop goes on).
TEST_F(HttpLoad, SmallRequestsStayAnsweredWhileALargeIngestCommits) {
    startAtd({"--threads", "1", "--quiet"});
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    const std::string big = bulkyEvents("2017-07-25", 50000, "big-", 3);
    ASSERT_GT(big.size(), size_t(190) << 20);
    std::atomic<bool> done{false};
    int ingestStatus = 0;
    std::thread ingest([&] {
        Caller c(atd->port(), kAliceKey, kSpaceDev);
        c.http.set_read_timeout(300, 0);
        c.http.set_write_timeout(300, 0);
        auto res = c.post("/v3/events", big, "application/x-ndjson");
        ingestStatus = res ? res->status : -1;
        done = true;
    });
    httplib::Client http("127.0.0.1", atd->port());
    http.set_read_timeout(300, 0);
    int answered = 0;
    Clock::duration slowest{};
    const auto giveUp = Clock::now() + 5min;
    while (!done && Clock::now() < giveUp) {
        const auto begin = Clock::now();
        auto res = http.Get("/v3/spaces", alice.headers());
        ASSERT_TRUE(res) << httplib::to_string(res.error());
        EXPECT_EQ(res->status, 200);
        slowest = std::max(slowest, Clock::now() - begin);
        ++answered;
        std::this_thread::sleep_for(20ms);
    }
    ingest.join();
    EXPECT_EQ(ingestStatus, 200);
    EXPECT_GT(answered, 0);
    EXPECT_LT(slowest, kLatencyBound)
        << "slowest small request: "
        << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms of "
        << answered;
    auto status = bodyOf(alice.get("/v3/events?start=2017-07-25&end=2017-07-25"));
    ASSERT_EQ(status["days"].size(), 1u) << status;
    EXPECT_EQ(status["days"][0]["count"], 50000);
}

}  // namespace
}  // namespace atdtest
