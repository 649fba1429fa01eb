// GET/PUT /v3/options: the retention setting of a domain (`at option -r`).
#include "http/Router.h"

#include <nlohmann/json.hpp>

#include "at/BoundedJson.h"
#include "at/SafeText.h"
#include "service/ApiError.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"

namespace atd {

namespace {

constexpr int kMaxRetentionDays = 3650;

std::string optionsDomain(ServiceContext& ctx, const http::Request& req) {
    const User& user = authenticate(ctx, req);
    return domainFor(user, grantedSpace(user, req), queryBool(req, "AtAccountLevel"));
}

void replyRetention(ServiceContext& ctx, const std::string& domain, http::Response& res) {
    nlohmann::json body = {{"retention", ctx.store.retention(domain)}};
    res.set_content(body.dump() + "\n", "application/json");
}

void putOptions(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    auto domain = optionsDomain(ctx, req);
    nlohmann::json body;
    try {
        body = at::parseBoundedJson(req.body);
    } catch (const at::JsonTooDeep& e) {
        throw ApiError(400, std::string("malformed JSON body: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
        throw ApiError(400, "malformed JSON body: " + at::printable(e.what(), 200));
    }
    if (!body.is_object() || !body.contains("retention") ||
        !body["retention"].is_number_integer()) {
        throw ApiError(400, "the body must be {\"retention\":DAYS} with DAYS an integer 0..3650");
    }
    auto days = body["retention"].get<int64_t>();
    if (days < 0 || days > kMaxRetentionDays) {
        throw ApiError(400, "retention " + std::to_string(days) +
                                " is out of range: use 0 (keep forever) to 3650 days");
    }
    ctx.store.setRetention(domain, int(days));
    replyRetention(ctx, domain, res);
}

}  // namespace

void addOptionRoutes(http::Router& server, ServiceContext& ctx) {
    server.Get("/v3/options", [&ctx](const http::Request& req, http::Response& res) {
        replyRetention(ctx, optionsDomain(ctx, req), res);
    });
    server.Put("/v3/options", [&ctx](const http::Request& req, http::Response& res) {
        putOptions(ctx, req, res);
    });
}

}  // namespace atd
