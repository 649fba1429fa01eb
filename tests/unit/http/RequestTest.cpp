// Request: headers without case, form bodies, and the router's match (404 vs 405, groups).
#include "http/Request.h"

#include <gtest/gtest.h>

#include "http/Router.h"

namespace atd::http {
namespace {

TEST(Request, HeadersIgnoreCase) {
    Request r;
    r.headers.emplace("X-Auth-Token", "bearer t");
    EXPECT_EQ(r.get_header_value("x-auth-token"), "bearer t");
    EXPECT_TRUE(r.has_header("X-AUTH-TOKEN"));
    EXPECT_EQ(r.get_header_value("Range"), "");
}

TEST(Request, FormFieldsAreDecoded) {
    Params p;
    addFormParams("grant_type=password&username=api%6Bey&password=a+b%2Bc&&flag&bad=%G1%", p);
    EXPECT_EQ(p.find("grant_type")->second, "password");
    EXPECT_EQ(p.find("username")->second, "apikey");
    EXPECT_EQ(p.find("password")->second, "a b+c");
    EXPECT_EQ(p.find("flag")->second, "");
    EXPECT_EQ(p.find("bad")->second, "%G1%");
}

TEST(Router, MatchesMethodAndPatternWithGroups) {
    Router router;
    router.Get("/v3/sessions/([^/]+)", [](const Request&, Response&) {});
    router.Delete("/v3/sessions/([^/]+)", [](const Request&, Response&) {});
    router.Post("/v3/events", [](const Request&, Response&, const ContentReader&) {});
    Request r;
    r.path =
        "/v3/sessions/\xFF"
        "abc";
    auto m = router.find("GET", r.path, r.matches);
    ASSERT_TRUE(m.route);
    EXPECT_EQ(r.matches[1].str(),
              "\xFF"
              "abc");
    EXPECT_TRUE(router.find("HEAD", r.path, r.matches).route);
    auto put = router.find("PUT", r.path, r.matches);
    EXPECT_FALSE(put.route);
    EXPECT_TRUE(put.pathKnown);
    std::smatch unused;
    EXPECT_FALSE(router.find("GET", "/nowhere", unused).pathKnown);
    std::string events = "/v3/events";
    auto post = router.find("POST", events, unused);
    ASSERT_TRUE(post.route);
    EXPECT_TRUE(post.route->bigBody());
}

}  // namespace
}  // namespace atd::http
