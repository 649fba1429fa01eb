// POST /v3/events (plain and gzip, all-or-nothing), DELETE /v3/events, GET/PUT /v3/options.
#include "ApiFixture.h"
#include "at/Time.h"

namespace atdtest {
namespace {

class IngestApi : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        alice = std::make_unique<Caller>(atd->port(), kAliceKey, kSpaceDev);
    }
    nlohmann::json status(const std::string& query = "") {
        return bodyOf(alice->get("/v3/events" + query));
    }
    std::unique_ptr<Caller> alice;
};

TEST_F(IngestApi, GzipBodyIsAccepted) {
    std::string lines = eventLine("a", "2017-07-25T10:00:00Z") + "\n" +
                        eventLine("b", "2017-07-25T11:00:00Z") + "\n";
    auto res = alice->http.Post("/v3/events", alice->headersWith({{"Content-Encoding", "gzip"}}),
                                gzipBytes(lines), "application/x-ndjson");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(bodyOf(res)["accepted"], 2);
    EXPECT_EQ(status()["days"][0]["count"], 2);
}

TEST_F(IngestApi, BadLineIs400WithItsNumberAndStoresNothing) {
    alice->ingest(eventLine("first", "2017-07-25T10:00:00Z") + "\n");
    auto before = status();
    std::string body = eventLine("ok1", "2017-07-25T10:00:01Z") + "\n\n" +
                       eventLine("ok2", "2017-07-26T10:00:01Z") + "\n" +
                       R"({"id":"bad","eventTime":"2017-02-30T10:00:00Z"})" + "\n" +
                       eventLine("ok3", "2017-07-25T10:00:03Z") + "\n";
    auto res = alice->post("/v3/events", body, "application/x-ndjson");
    auto message = expectError(res, 400, "bad_request");
    EXPECT_EQ(bodyOf(res)["error"]["line"], 4);
    EXPECT_EQ(message.rfind("line 4:", 0), 0u) << message;
    EXPECT_EQ(status(), before);
    auto notJson = alice->post("/v3/events", "{\"id\":", "application/x-ndjson");
    expectError(notJson, 400, "bad_request");
    EXPECT_EQ(bodyOf(notJson)["error"]["line"], 1);
    auto noId = alice->post("/v3/events", R"({"eventTime":"2017-07-25T10:00:00Z"})",
                            "application/x-ndjson");
    EXPECT_EQ(bodyOf(noId)["error"]["line"], 1);
    EXPECT_EQ(status(), before);
}

TEST_F(IngestApi, OutOfOrderIngestComesOutSorted) {
    alice->ingest(eventLine("c", "2017-07-25T10:00:03Z") + "\n" +
                  eventLine("a", "2017-07-25T10:00:01Z") + "\n");
    alice->ingest(eventLine("b", "2017-07-25T10:00:02Z") + "\n" +
                  eventLine("d", "2017-07-25T09:59:59Z") + "\n");
    auto s = alice->createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}});
    auto lines = splitLines(gunzipAll(alice->download(s["id"])));
    std::vector<std::string> ids;
    for (const auto& l : lines) {
        ids.push_back(nlohmann::json::parse(l)["id"]);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"d", "a", "b", "c"}));
}

TEST_F(IngestApi, AccountAndSpaceDomainsAreApart) {
    alice->ingest(eventLine("acct", "2017-07-25T10:00:00Z") + "\n", true);
    EXPECT_EQ(status("?AtAccountLevel=true")["days"][0]["count"], 1);
    EXPECT_EQ(status()["days"].size(), 0u);
}

TEST_F(IngestApi, DeleteEventsReportsCountAndBytes) {
    alice->ingest(eventLine("a", "2017-07-25T10:00:00Z") + "\n" +
                  eventLine("b", "2017-07-25T11:00:00Z") + "\n" +
                  eventLine("c", "2017-07-26T11:00:00Z") + "\n");
    auto day = status("?start=2017-07-25&end=2017-07-25&hours=true")["days"][0];
    auto res = bodyOf(alice->del("/v3/events?start=2017-07-25&end=2017-07-25&SearchTime=11"));
    auto hourBytes = day["hours"][1]["gzip_size"].get<uint64_t>();
    EXPECT_EQ(res["count"], 1);
    EXPECT_EQ(res["bytes"], hourBytes);
    EXPECT_EQ(res["message"],
              "1 logs were deleted, freeing " + std::to_string(hourBytes) + " bytes");
    EXPECT_EQ(status("?start=2017-07-25&end=2017-07-25")["days"][0]["count"], 1);
    EXPECT_EQ(status()["days"].size(), 2u);
    expectError(alice->del("/v3/events?start=2017-07-25"), 400, "bad_request");
    expectError(alice->del("/v3/events?start=2017-07-25&end=2017-07-24"), 400, "bad_request");
    expectError(alice->del("/v3/events?start=2017-07-25&end=2017-07-25&SearchTime=24"), 400,
                "bad_request");
}

TEST_F(IngestApi, RetentionDropsOldDays) {
    EXPECT_EQ(bodyOf(alice->get("/v3/options"))["retention"], 0);
    auto today = at::Date::todayUtc();
    alice->ingest(eventLine("old", "2017-07-25T10:00:00Z") + "\n" +
                  eventLine("new", today.str() + "T00:00:01Z") + "\n");
    EXPECT_EQ(status()["days"].size(), 2u);
    EXPECT_EQ(bodyOf(alice->put("/v3/options", R"({"retention":30})"))["retention"], 30);
    EXPECT_EQ(bodyOf(alice->get("/v3/options"))["retention"], 30);
    auto days = status()["days"];
    ASSERT_EQ(days.size(), 1u);
    EXPECT_EQ(days[0]["date"], today.str());
    EXPECT_EQ(bodyOf(alice->get("/v3/options?AtAccountLevel=true"))["retention"], 0);
    expectError(alice->put("/v3/options", R"({"retention":3651})"), 400, "bad_request");
    expectError(alice->put("/v3/options", R"({"retention":-1})"), 400, "bad_request");
    expectError(alice->put("/v3/options", R"({"days":3})"), 400, "bad_request");
    expectError(alice->put("/v3/options", "{"), 400, "bad_request");
}

TEST_F(IngestApi, BodyOver256MiBIs413) {
    // A gzip body that inflates past the limit: caught whether or not httplib inflates it.
    std::string huge((size_t(256) << 20) + 1024, '\n');
    auto res = alice->http.Post("/v3/events", alice->headersWith({{"Content-Encoding", "gzip"}}),
                                gzipBytes(huge), "application/x-ndjson");
    expectError(res, 413, "payload_too_large");
    EXPECT_EQ(status()["days"].size(), 0u);
}

}  // namespace
}  // namespace atdtest

namespace atdtest {
namespace {

TEST_F(IngestApi, FormEncodedContentTypeIsReadAsJsonLinesToo) {
    // httplib caps form bodies at 8 KiB; ingest reads its body itself, whatever the type.
    std::string lines;
    for (int i = 0; i < 100; ++i) {
        lines += eventLine("f" + std::to_string(i), "2017-07-25T10:00:00Z") + "\n";
    }
    ASSERT_GT(lines.size(), 8192u);
    auto res = alice->post("/v3/events", lines, "application/x-www-form-urlencoded");
    EXPECT_EQ(bodyOf(res)["accepted"], 100);
}

TEST_F(IngestApi, GzipWithoutContentEncodingAndMultiMemberGzipAreInflated) {
    // Raw gzip bytes reach atd's own inflater (httplib only inflates with the header).
    std::string a = eventLine("m1", "2017-07-25T10:00:00Z") + "\n";
    std::string b = eventLine("m2", "2017-07-25T10:00:01Z") + "\n";
    auto res = alice->post("/v3/events", gzipBytes(a) + gzipBytes(b), "application/x-ndjson");
    EXPECT_EQ(bodyOf(res)["accepted"], 2);
    auto corrupt = gzipBytes(a);
    corrupt.resize(corrupt.size() / 2);
    expectError(alice->post("/v3/events", corrupt, "application/x-ndjson"), 400, "bad_request");
    EXPECT_EQ(status()["days"][0]["count"], 2);
}

}  // namespace
}  // namespace atdtest
