// Issue 9: the client trusts no number in a reply. Sizes, counts, hours, retention and the
// token lifetime are range-checked; anything else is an ApiError (Protocol) naming the field,
// never a conversion that is undefined behaviour (run under -DATFS_SANITIZE=undefined).
#include <gtest/gtest.h>

#include <atomic>

#include "FakeService.h"
#include "at/Client.h"

namespace at {
namespace {

using test::FakeService;

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

const Domain kSpace{"g1"};

TEST(ReplyNumbers, HostileTokenLifetimesAreProtocolErrorsNamingTheField) {
    for (const char* expiresIn : {"9223372036854775807", "18446744073709551615", "-1", "1e999x",
                                  "98e304", "3600.5", "\"3600\""}) {
        FakeService fake;
        fake.setTokenExpiresInJson(expiresIn);
        fake.server().Get("/v3/spaces", [](const httplib::Request&, httplib::Response& res) {
            FakeService::replyJson(res, 200, R"({"spaces":[]})");
        });
        fake.start();
        Client client(fake.options());
        const ApiError e = expectApiError([&] { client.spaces(); });
        EXPECT_EQ(e.kind(), ErrorKind::Protocol) << expiresIn << ": " << e.what();
        if (std::string(expiresIn) != "1e999x") {  // that one is not JSON at all
            EXPECT_NE(std::string(e.what()).find("expires_in"), std::string::npos)
                << expiresIn << ": " << e.what();
        }
    }
}

TEST(ReplyNumbers, HostileSizesInStatusAndSessionsAreProtocolErrors) {
    FakeService fake;
    std::atomic<int> variant{0};
    static const char* days[] = {
        R"({"days":[{"date":"2017-07-25","count":1,"size":98e304,"gzip_size":1}]})",
        R"({"days":[{"date":"2017-07-25","count":-5,"size":1,"gzip_size":1}]})",
        R"({"days":[{"date":"2017-07-25","count":1,"size":1,"gzip_size":1.5}]})",
        R"({"days":[{"date":"2017-07-25","count":1,"size":1,"gzip_size":1,)"
        R"("hours":[{"hour":4294967296,"count":1,"size":1,"gzip_size":1}]}]})",
        R"({"days":[{"date":"2017-07-25","count":1,"size":1,"gzip_size":1,)"
        R"("hours":[{"hour":3,"count":1,"size":-1,"gzip_size":1}]}]})",
    };
    static const char* fields[] = {"size", "count", "gzip_size", "hour", "size"};
    fake.server().Get("/v3/events", [&](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(res, 200, days[variant.load()]);
    });
    static const char* sessions[] = {
        R"({"id":"s-1","date-range":{"Start":"2017-07-25","End":"2017-07-25"},"size":98e304})",
        R"({"id":"s-1","date-range":{"Start":"2017-07-25","End":"2017-07-25"},"gzip-size":-1})",
        R"({"id":"s-1","date-range":{"Start":"2017-07-25","End":"2017-07-25"},"search-time":1e300})",
    };
    static const char* sessionFields[] = {"size", "gzip-size", "search-time"};
    fake.server().Get("/v3/sessions/s-1", [&](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(res, 200, sessions[variant.load()]);
    });
    fake.server().Get("/v3/options", [&](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(res, 200, R"({"retention":1e20})");
    });
    fake.server().Post("/v3/events", [&](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(res, 200, R"({"accepted":-3})");
    });
    fake.start();
    Client client(fake.options());
    for (int i = 0; i < 5; ++i) {
        variant = i;
        const ApiError e =
            expectApiError([&] { client.status(kSpace, std::nullopt, std::nullopt, true); });
        EXPECT_EQ(e.kind(), ErrorKind::Protocol) << i << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(std::string("\"") + fields[i] + "\""),
                  std::string::npos)
            << i << ": " << e.what();
    }
    for (int i = 0; i < 3; ++i) {
        variant = i;
        const ApiError e = expectApiError([&] { client.getSession(kSpace, "s-1"); });
        EXPECT_EQ(e.kind(), ErrorKind::Protocol) << i << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(sessionFields[i]), std::string::npos)
            << i << ": " << e.what();
    }
    const ApiError retention = expectApiError([&] { client.retention(kSpace); });
    EXPECT_EQ(retention.kind(), ErrorKind::Protocol) << retention.what();
    EXPECT_NE(std::string(retention.what()).find("retention"), std::string::npos);
    const ApiError accepted = expectApiError([&] { client.ingest(kSpace, "{}\n"); });
    EXPECT_EQ(accepted.kind(), ErrorKind::Protocol) << accepted.what();
    EXPECT_NE(std::string(accepted.what()).find("accepted"), std::string::npos);
}

TEST(ReplyNumbers, DeepRepliesAreProtocolErrors) {
    FakeService fake;
    fake.server().Get("/v3/spaces", [](const httplib::Request&, httplib::Response& res) {
        FakeService::replyJson(
            res, 200, "{\"spaces\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
    });
    fake.start();
    Client client(fake.options());
    const ApiError e = expectApiError([&] { client.spaces(); });
    EXPECT_EQ(e.kind(), ErrorKind::Protocol) << e.what();
    EXPECT_NE(std::string(e.what()).find("64"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace at
