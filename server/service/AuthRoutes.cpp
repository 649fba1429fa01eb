// POST /UAALoginServerWAR/oauth/token and GET /v3/spaces.
#include "http/Router.h"

#include <nlohmann/json.hpp>

#include "service/ApiError.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"

namespace atd {

namespace {

// The legacy UAA login of the `cf` CLI: client "cf" with an empty secret, base64 "cf:".
bool isCfClient(const std::string& authorization) {
    return authorization == "Basic Y2Y6" || authorization == "basic Y2Y6";
}

void issueToken(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    if (!isCfClient(req.get_header_value("Authorization"))) {
        throw ApiError(401,
                       "unknown OAuth client: send 'Authorization: Basic Y2Y6' (client cf, "
                       "empty secret)");
    }
    if (req.get_param_value("grant_type") != "password" ||
        req.get_param_value("username") != "apikey") {
        throw ApiError(401,
                       "unsupported grant: send the form grant_type=password&username=apikey"
                       "&password=APIKEY");
    }
    const auto apiKey = req.get_param_value("password");
    auto& throttle = ctx.tokens.loginThrottle();
    if (auto wait = throttle.retryAfter(req.remoteAddr, apiKey)) {
        ApiError error(429, "too many failed logins from this address or with this key: wait " +
                                std::to_string(*wait) + " s (Retry-After) and check the key");
        error.retryAfter = *wait;
        throw error;
    }
    const User* user = ctx.users.findByApiKey(apiKey);
    if (!user) {
        throttle.recordFailure(req.remoteAddr, apiKey);
        throw ApiError(401, "the API key is not valid: check it, or ask the operator for one");
    }
    auto issued = ctx.tokens.issue(user->name);
    nlohmann::json body = {{"access_token", issued.token},
                           {"token_type", "bearer"},
                           {"expires_in", issued.expiresIn},
                           {"scope", ""},
                           {"jti", issued.jti}};
    res.set_content(body.dump() + "\n", "application/json");
}

void listSpaces(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    nlohmann::json spaces = nlohmann::json::array();
    for (const auto& s : user.spaces) {
        spaces.push_back({{"guid", s.guid}, {"name", s.name}, {"org", s.org}});
    }
    nlohmann::json body = {
        {"user", user.name}, {"account_access", user.accountAccess}, {"spaces", spaces}};
    res.set_content(body.dump() + "\n", "application/json");
}

}  // namespace

void addAuthRoutes(http::Router& server, ServiceContext& ctx) {
    server.Post(
        "/UAALoginServerWAR/oauth/token",
        [&ctx](const http::Request& req, http::Response& res) { issueToken(ctx, req, res); });
    server.Get("/v3/spaces", [&ctx](const http::Request& req, http::Response& res) {
        listSpaces(ctx, req, res);
    });
}

}  // namespace atd
