// Issue 9: request bytes an attacker chooses (deep JSON, invalid UTF-8, NUL bytes, huge numbers,
// impossible dates) get a 400 that names the problem, and atd stays up to answer the next
// request.
#include "ApiFixture.h"
#include "RawHttp.h"

namespace atdtest {
namespace {

std::string deepArray(size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

class HostileInput : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        alice = std::make_unique<Caller>(atd->port(), kAliceKey, kSpaceDev);
    }
    // The process survived: a normal authenticated request still gets its answer.
    void expectAlive() {
        auto res = alice->get("/v3/spaces");
        ASSERT_TRUE(res) << "atd no longer answers: " << httplib::to_string(res.error());
        EXPECT_EQ(res->status, 200);
    }
    std::string rawGet(const std::string& target, const std::string& space) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
               "X-Auth-Token: bearer " + alice->token + "\r\nX-Auth-Project-Id: " + space +
               "\r\n\r\n";
    }
    std::string ingestMessage(const std::string& body, uint64_t line) {
        auto res = alice->post("/v3/events", body, "application/x-ndjson");
        auto message = expectError(res, 400, "bad_request");
        if (res) {
            EXPECT_EQ(bodyOf(res)["error"].value("line", uint64_t(0)), line) << res->body;
        }
        return message;
    }
    std::unique_ptr<Caller> alice;
};

// 30,000 levels: deep enough to overflow a recursive dump(), small enough (60 KB) to pass the
// 64 KiB body cap and reach the parser.
TEST_F(HostileInput, DeepSessionBodyIs400NamingTheLimit) {
    auto res = alice->post("/v3/sessions", "{\"SearchTime\":" + deepArray(30000) + "}");
    auto message = expectError(res, 400, "bad_request");
    EXPECT_NE(message.find("64"), std::string::npos) << message;
    expectAlive();
}

TEST_F(HostileInput, DeepOptionsBodyIs400) {
    auto res = alice->put("/v3/options", "{\"retention\":" + deepArray(30000) + "}");
    EXPECT_NE(expectError(res, 400, "bad_request").find("64"), std::string::npos);
    expectAlive();
}

TEST_F(HostileInput, InvalidUtf8InSessionBodyIs400) {
    auto res = alice->post("/v3/sessions", "{\"tag\":\"\xff\xfe\"}");
    auto message = expectError(res, 400, "bad_request");
    EXPECT_NE(message.find("\\xff"), std::string::npos) << message;
    expectAlive();
}

TEST_F(HostileInput, DeepIngestLineIs400NamingLineAndLimit) {
    auto body = eventLine("ok", "2017-07-25T10:00:00Z") + "\n" +
                R"({"id":"x","eventTime":"2017-07-25T10:00:00Z","deep":)" + deepArray(100000) +
                "}\n";
    auto message = ingestMessage(body, 2);
    EXPECT_NE(message.find("64"), std::string::npos) << message;
    expectAlive();
}

TEST_F(HostileInput, InvalidUtf8IngestLineIs400) {
    ingestMessage(R"({"id":"x","eventTime":"2017-07-25T10:00:00Z","m":")"
                  "\xc3\x28"
                  "\"}\n",
                  1);
    ingestMessage(R"({"id":"x","eventTime":"2017-07-25T10:00:00Z)"
                  "\xff"
                  "\"}\n",
                  1);
    expectAlive();
}

TEST_F(HostileInput, HugeNumberInIngestLineIs400NotInternal) {
    auto message = ingestMessage(R"({"id":"x","eventTime":"2017-07-25T10:00:00Z","n":1e999})"
                                 "\n",
                                 1);
    EXPECT_NE(message.find("1e999"), std::string::npos) << message;
    expectAlive();
}

TEST_F(HostileInput, NulByteInIngestLineIs400NamingTheLine) {
    std::string line = R"({"id":"x","eventTime":"2017-07-25T10:00:00Z"})";
    std::string body = eventLine("ok", "2017-07-25T10:00:00Z") + "\n" + line +
                       std::string(1, '\0') + R"({"id":"y"})" + "\n";
    auto message = ingestMessage(body, 2);
    EXPECT_NE(message.find("NUL"), std::string::npos) << message;
    EXPECT_EQ(bodyOf(alice->get("/v3/events"))["days"].size(), 0u) << "nothing stored";
    expectAlive();
}

TEST_F(HostileInput, InvalidUtf8InSpaceHeaderIs403) {
    auto reply = sendRaw(atd->port(), rawGet("/v3/events", "\xff\xfe-space"));
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_NE(reply.body.find("\\xff"), std::string::npos) << reply.body;
    expectAlive();
}

TEST_F(HostileInput, InvalidUtf8InQueryValuesIs400) {
    for (const char* target :
         {"/v3/events?start=%FF%FE", "/v3/events?AtAccountLevel=%FF", "/v3/events?hours=%C3%28"}) {
        auto reply = sendRaw(atd->port(), rawGet(target, kSpaceDev));
        EXPECT_EQ(reply.status, 400) << target << ": " << reply.body;
        expectAlive();
    }
}

TEST_F(HostileInput, InvalidUtf8SessionIdIs404) {
    auto reply = sendRaw(atd->port(), rawGet("/v3/sessions/%FF%FE", kSpaceDev));
    EXPECT_EQ(reply.status, 404) << reply.body;
    auto download = alice->get("/v3/events/download", {{"SESSIONID", "\xff\xfe"}});
    expectError(download, 404, "not_found");
    expectAlive();
}

// Strict dates: years 1970..9999 after normalising to UTC, offsets within +-14:00.
TEST_F(HostileInput, EventTimesOutsideTheCalendarAre400NamingEventTime) {
    for (const char* time :
         {"9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-99:99", "2017-07-25T10:00:00+14:01",
          "2017-07-25T10:00:00+05:60", "1970-01-01T00:00:00+00:01", "2017-07-25T24:00:00Z",
          "9999-12-31T23:59:60Z"}) {
        auto message = ingestMessage(eventLine("x", time) + "\n", 1);
        EXPECT_NE(message.find("eventTime"), std::string::npos) << time << ": " << message;
    }
    EXPECT_EQ(alice->ingest(eventLine("a", "9999-12-31T09:59:59-14:00") + "\n" +
                            eventLine("b", "1970-01-01T13:00:00+13:00") + "\n" +
                            eventLine("c", "2017-07-25T10:00:00-12:00") + "\n"),
              3u);
    auto days = bodyOf(alice->get("/v3/events"))["days"];
    ASSERT_EQ(days.size(), 3u) << days;
    EXPECT_EQ(days[0]["date"], "1970-01-01");
    EXPECT_EQ(days[2]["date"], "9999-12-31");
}

TEST_F(HostileInput, SessionNeverStartsBefore1970) {
    auto session = alice->createSession({{"end", "1970-01-01"}});
    EXPECT_EQ(session["date-range"].value("Start", ""), "1970-01-01") << session;
    EXPECT_EQ(session["date-range"].value("End", ""), "1970-01-01") << session;
    auto list = alice->get("/v3/sessions");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 200);
    auto late = alice->createSession({{"start", "9999-12-31"}});
    EXPECT_EQ(late["date-range"].value("End", ""), "9999-12-31") << late;
    for (const char* bad : {R"({"end":"1969-12-31"})", R"({"start":"10000-01-01"})"}) {
        auto message = expectError(alice->post("/v3/sessions", bad), 400, "bad_request");
        EXPECT_NE(message.find(bad[2] == 'e' ? "end" : "start"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace atdtest
