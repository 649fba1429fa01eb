// GET /v2/info: the Cloud Foundry API's discovery document, the first step of IBM's UAA token
// flow ("retrieve the endpoint value from the field authorization_endpoint"). atd is its own
// API endpoint, UAA and Activity Tracker endpoint, so every URL here is atd's own, as the
// caller reached it (Host header), so the URLs work through whatever name the caller used.
#include <cctype>
#include <nlohmann/json.hpp>

#include "http/Router.h"
#include "service/ApiError.h"
#include "service/Routes.h"

namespace atd {

namespace {

// RFC 9110 host [ ":" port ], reg-name or IP literal: anything else would put bytes of the
// caller's choosing into URLs other clients follow.
bool plausibleHost(const std::string& host) {
    if (host.empty() || host.size() > 255)
        return false;
    for (unsigned char c : host) {
        if (!(std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' ||
              c == '_'))
            return false;
    }
    return true;
}

std::string baseUrl(const http::Request& req, bool tls) {
    std::string host = req.get_header_value("Host");
    if (!plausibleHost(host)) {
        throw ApiError(400,
                       "GET /v2/info needs a Host header naming atd (host or host:port), "
                       "as HTTP/1.1 clients send");
    }
    return std::string(tls ? "https" : "http") + "://" + host;
}

}  // namespace

void addInfoRoute(http::Router& server, bool tls) {
    server.Get("/v2/info", [tls](const http::Request& req, http::Response& res) {
        const std::string base = baseUrl(req, tls);
        // The fields the cf CLI reads from a CF API; a client of the UAA flow needs
        // authorization_endpoint (the token is AUTHORIZATION_ENDPOINT/oauth/token).
        nlohmann::json body = {
            {"name", "atd"},
            {"description", "local Activity Tracker service (atfs)"},
            {"api_version", "2.0.0"},
            {"authorization_endpoint", base + "/UAALoginServerWAR"},
            {"token_endpoint", base + "/UAALoginServerWAR"},
            {"activity_tracker_endpoint", base},
            {"min_cli_version", nullptr},
            {"min_recommended_cli_version", nullptr},
        };
        res.set_content(body.dump() + "\n", "application/json");
    });
}

}  // namespace atd
