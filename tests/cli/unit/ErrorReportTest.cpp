#include "ErrorReport.h"

#include <gtest/gtest.h>

#include "ExitCodes.h"

namespace {

TEST(ErrorReport, TheIssuesExampleLine) {
    at::ApiError error(at::ErrorKind::BadRequest, "POST /v3/sessions", 400,
                       "the range 2017-07-01..2017-07-31 is 31 days; a session covers at "
                       "most 15 days: split it");
    EXPECT_EQ(atctl::describe(error),
              "POST /v3/sessions failed (400): the range 2017-07-01..2017-07-31 is 31 days; a "
              "session covers at most 15 days: split it — use a range of at most 15 days");
}

TEST(ErrorReport, NoHttpStatusWhenThereWasNoReply) {
    at::ApiError error(at::ErrorKind::Network, "GET /v3/spaces", 0, "connection refused");
    std::string line = atctl::describe(error);
    EXPECT_EQ(line.rfind("GET /v3/spaces failed: connection refused — ", 0), 0u) << line;
}

TEST(ErrorReport, UntrustedCertificatePointsToCacert) {
    at::ApiError error(at::ErrorKind::Network, "GET /v3/spaces", 0,
                       "SSL certificate problem: self-signed certificate");
    EXPECT_NE(atctl::describe(error).find("--cacert"), std::string::npos);
}

TEST(ErrorReport, LimitAdviceSaysWhenToRetry) {
    at::ApiError error(at::ErrorKind::LimitReached, "POST /v3/sessions", 429, "30 live sessions",
                       5);
    EXPECT_NE(atctl::describe(error).find("retry in 5 s"), std::string::npos);
}

TEST(ErrorReport, ConfigMessagesKeepTheirOwnAdvice) {
    at::ApiError error(at::ErrorKind::Config, "config", 0,
                       "no config file at /x — run atctl login");
    EXPECT_EQ(atctl::describe(error), "no config file at /x — run atctl login");
}

TEST(ExitCodes, OnePerErrorKind) {
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Auth), 2);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Forbidden), 3);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::NotFound), 4);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::LimitReached), 5);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::BadRequest), 6);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Network), 7);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Integrity), 8);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Server), 9);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Config), 10);
    EXPECT_EQ(atctl::exitCodeFor(at::ErrorKind::Protocol), 12);
}

}  // namespace
