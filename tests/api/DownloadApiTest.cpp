// GET /v3/events/download: exact bytes, eventTime order, Range resume, 416, pinned snapshots,
// and GET /v3/events (status) agreeing with what a session downloads.
#include <algorithm>
#include <ctime>
#include <filesystem>

#include "ApiFixture.h"

namespace atdtest {
namespace {

// 300 events over 3 hours of 2017-07-25 in eventTime order (posted shuffled).
std::vector<std::string> sortedDayEvents() {
    std::vector<std::string> lines;
    for (int i = 0; i < 300; ++i) {
        char time[64];
        std::snprintf(time, sizeof time, "2017-07-25T%02d:%02d:%02d.%03d+0000", 9 + i / 100,
                      (i % 100) / 2, (i % 2) * 30 + 1, i);
        lines.push_back(eventLine("ev-" + std::to_string(i), time));
    }
    return lines;
}

std::string joinShuffled(std::vector<std::string> lines) {
    std::reverse(lines.begin(), lines.end());
    std::rotate(lines.begin(), lines.begin() + 77, lines.end());
    std::string body;
    for (const auto& l : lines) {
        body += l + "\n";
    }
    return body;
}

class DownloadApi : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        alice = std::make_unique<Caller>(atd->port(), kAliceKey, kSpaceDev);
        ASSERT_EQ(alice->ingest(joinShuffled(sortedDayEvents())), 300u);
        session = alice->createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
        full = alice->download(session["id"]);
    }
    std::unique_ptr<Caller> alice;
    nlohmann::json session;
    std::string full;
};

TEST_F(DownloadApi, InflatesToTheEventsInEventTimeOrderLineForLine) {
    EXPECT_EQ(session["count"], 300);
    EXPECT_EQ(full.size(), session["gzip-size"].get<size_t>());
    auto plain = gunzipAll(full);
    EXPECT_EQ(plain.size(), session["size"].get<size_t>());
    EXPECT_EQ(splitLines(plain), sortedDayEvents());
}

TEST_F(DownloadApi, StatusNewestDatesTheContent) {
    auto day =
        bodyOf(alice->get("/v3/events?start=2017-07-25&end=2017-07-25&hours=true"))["days"][0];
    EXPECT_EQ(day["newest"], 1500983371);              // 2017-07-25T11:49:31, the last event
    EXPECT_EQ(day["hours"][0]["newest"], 1500976171);  // 09:49:31, hour 9's last
    // A late event (older than hour 9's newest) changes hour 9: it is dated by the ingest.
    const auto before = std::time(nullptr);
    ASSERT_EQ(alice->ingest(eventLine("late-1", "2017-07-25T09:00:00.500+0000") + "\n"), 1u);
    day = bodyOf(alice->get("/v3/events?start=2017-07-25&end=2017-07-25&hours=true"))["days"][0];
    EXPECT_GE(day["hours"][0]["newest"].get<int64_t>(), before);
    EXPECT_GE(day["newest"].get<int64_t>(), before);
    EXPECT_EQ(day["hours"][1]["newest"], 1500979771);  // hour 10 untouched: 10:49:31
}

TEST_F(DownloadApi, StatusAgreesWithTheSession) {
    auto status = bodyOf(alice->get("/v3/events?start=2017-07-25&end=2017-07-25&hours=true"));
    ASSERT_EQ(status["days"].size(), 1u);
    auto day = status["days"][0];
    EXPECT_EQ(day["date"], "2017-07-25");
    EXPECT_EQ(day["count"], 300);
    EXPECT_EQ(day["size"], session["size"]);
    EXPECT_EQ(day["gzip_size"], session["gzip-size"]);
    ASSERT_EQ(day["hours"].size(), 3u);
    EXPECT_EQ(day["hours"][0]["hour"], 9);
    EXPECT_EQ(day["hours"][0]["count"], 100);
    auto noHours = bodyOf(alice->get("/v3/events"));
    EXPECT_FALSE(noHours["days"][0].contains("hours"));
    auto hourSession = alice->createSession(
        {{"start", "2017-07-25"}, {"end", "2017-07-25"}, {"SearchTime", "10"}});
    EXPECT_EQ(hourSession["count"], 100);
    EXPECT_EQ(hourSession["gzip-size"], day["hours"][1]["gzip_size"]);
    auto lines = splitLines(gunzipAll(alice->download(hourSession["id"])));
    auto all = sortedDayEvents();
    EXPECT_EQ(lines, std::vector<std::string>(all.begin() + 100, all.begin() + 200));
    expectError(alice->get("/v3/events?start=2017-02-30"), 400, "bad_request");
    expectError(alice->get("/v3/events?hours=maybe"), 400, "bad_request");
}

TEST_F(DownloadApi, RangeResumeIsByteIdentical) {
    ASSERT_GT(full.size(), 100u);
    size_t cut = full.size() / 3;
    auto res = alice->get("/v3/events/download", {{"SESSIONID", session["id"]},
                                                  {"Range", "bytes=" + std::to_string(cut) + "-"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 206);
    EXPECT_EQ(res->get_header_value("Content-Range"), "bytes " + std::to_string(cut) + "-" +
                                                          std::to_string(full.size() - 1) + "/" +
                                                          std::to_string(full.size()));
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(full.size() - cut));
    EXPECT_EQ(full.substr(0, cut) + res->body, full);

    auto mid =
        alice->get("/v3/events/download", {{"SESSIONID", session["id"]}, {"Range", "bytes=10-19"}});
    ASSERT_TRUE(mid);
    EXPECT_EQ(mid->status, 206);
    EXPECT_EQ(mid->body, full.substr(10, 10));
    EXPECT_EQ(mid->get_header_value("Content-Range"), "bytes 10-19/" + std::to_string(full.size()));
}

TEST_F(DownloadApi, RangeAtOrPastTheEndIs416) {
    auto res = alice->get(
        "/v3/events/download",
        {{"SESSIONID", session["id"]}, {"Range", "bytes=" + std::to_string(full.size()) + "-"}});
    expectError(res, 416, "range_not_satisfiable");
    EXPECT_EQ(res->get_header_value("Content-Range"), "bytes */" + std::to_string(full.size()));
    res = alice->get("/v3/events/download",
                     {{"SESSIONID", session["id"]}, {"Range", "bytes=99999999-"}});
    expectError(res, 416, "range_not_satisfiable");
}

TEST_F(DownloadApi, SnapshotStaysPinnedAcrossLaterIngestAndDelete) {
    alice->ingest(eventLine("late", "2017-07-25T09:30:00Z") + "\n");
    EXPECT_EQ(alice->download(session["id"]), full);
    auto del = bodyOf(alice->del("/v3/events?start=2017-07-25&end=2017-07-25"));
    EXPECT_EQ(del["count"], 301);
    EXPECT_EQ(alice->download(session["id"]), full);
    auto after = alice->createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
    EXPECT_EQ(after["count"], 0);
}

TEST_F(DownloadApi, EmptySessionIs200WithZeroLength) {
    auto s = alice->createSession({{"start", "2017-07-20"}, {"end", "2017-07-20"}});
    auto res = alice->get("/v3/events/download", {{"SESSIONID", s["id"]}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Length"), "0");
    EXPECT_TRUE(res->body.empty());
}

TEST_F(DownloadApi, DownloadUpdatesAccessTime) {
    auto before = bodyOf(alice->get("/v3/sessions/" + session["id"].get<std::string>()));
    alice->download(session["id"]);
    auto after = bodyOf(alice->get("/v3/sessions/" + session["id"].get<std::string>()));
    EXPECT_GT(after["access-time"].get<std::string>(), before["access-time"].get<std::string>());
    EXPECT_EQ(after["create-time"], before["create-time"]);
}

// A stored file shorter than its pinned length is a clean 500 before any byte is sent, not a
// 200 whose body stops short; atd lives on.
TEST_F(DownloadApi, StoredFileCutShortBehindAtdsBackIs500NotACrash) {
    size_t cut = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dataDir())) {
        const std::string path = e.path().string();
        if (e.is_regular_file() && e.path().extension() == ".gz" &&
            path.find("2017-07-25") != std::string::npos) {
            std::filesystem::resize_file(e.path(), e.file_size() / 2);
            cut++;
        }
    }
    ASSERT_EQ(cut, 3u);  // hours 09, 10, 11
    auto res = alice->get("/v3/events/download", {{"SESSIONID", session["id"]}});
    const std::string message = expectError(res, 500, "internal");
    EXPECT_NE(message.find("shorter than"), std::string::npos) << message;
    EXPECT_NE(message.find("behind atd's back"), std::string::npos) << message;
    EXPECT_EQ(bodyOf(alice->get("/v3/events"))["days"].size(), 1u);  // still serving
}

}  // namespace
}  // namespace atdtest
