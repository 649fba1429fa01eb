// POST/GET /v3/sessions, GET/DELETE /v3/sessions/{id}.
#include "http/Router.h"

#include <nlohmann/json.hpp>

#include "at/SafeText.h"
#include "service/ApiError.h"
#include "service/Log.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"
#include "service/SessionRequest.h"

namespace atd {

namespace {

void replyJson(http::Response& res, const nlohmann::json& body, int status = 200) {
    res.status = status;
    res.set_content(body.dump() + "\n", "application/json");
}

ApiError noSuchSession(const std::string& id, const User& user) {
    return ApiError(404, "session " + at::printable(id) + " does not exist for user " + user.name +
                             " (deleted, idle-expired, or another user's); GET /v3/sessions "
                             "lists yours");
}

void createSession(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    auto space = grantedSpace(user, req);
    auto parsed = parseSessionRequest(req.body, at::Date::todayUtc());
    bool accountLevel = parsed.accountLevel.value_or(queryBool(req, "AtAccountLevel"));
    Session draft;
    draft.space = space;
    draft.username = user.name;
    draft.domain = domainFor(user, space, accountLevel);
    draft.accountLevel = accountLevel;
    draft.start = parsed.start;
    draft.end = parsed.end;
    draft.hour = parsed.hour;
    draft.tag = parsed.tag;
    Session created = ctx.sessions.create(std::move(draft));
    logDebug("created session " + created.id + " of " + created.username + " in domain " +
             created.domain + " for " + created.start.str() + ".." + created.end.str());
    replyJson(res, toApiJson(created), 201);
}

void listSessions(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    grantedSpace(user, req);  // API.md: every /v3 call but /v3/spaces names a granted space
    nlohmann::json body = nlohmann::json::array();
    for (const auto& s : ctx.sessions.listOf(user.name)) {
        body.push_back(toApiJson(s));
    }
    replyJson(res, body);
}

void showSession(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    grantedSpace(user, req);  // API.md: every /v3 call but /v3/spaces names a granted space
    auto id = req.matches[1].str();
    auto session = ctx.sessions.find(id, user.name);
    if (!session) {
        throw noSuchSession(id, user);
    }
    replyJson(res, toApiJson(*session));
}

void deleteSession(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    grantedSpace(user, req);  // API.md: every /v3 call but /v3/spaces names a granted space
    auto id = req.matches[1].str();
    if (!ctx.sessions.remove(id, user.name)) {
        throw noSuchSession(id, user);
    }
    logDebug("deleted session " + id + " of " + user.name);
    replyJson(res, {{"message", "Delete session success"}});
}

}  // namespace

void addSessionRoutes(http::Router& server, ServiceContext& ctx) {
    server.Post("/v3/sessions", [&ctx](const http::Request& req, http::Response& res) {
        createSession(ctx, req, res);
    });
    server.Get("/v3/sessions", [&ctx](const http::Request& req, http::Response& res) {
        listSessions(ctx, req, res);
    });
    server.Get("/v3/sessions/([^/]+)", [&ctx](const http::Request& req, http::Response& res) {
        showSession(ctx, req, res);
    });
    server.Delete("/v3/sessions/([^/]+)", [&ctx](const http::Request& req, http::Response& res) {
        deleteSession(ctx, req, res);
    });
}

}  // namespace atd
