// GET /v2/info: the Cloud Foundry API's discovery document, the first step of IBM's UAA token
// flow ("retrieve the endpoint value from the field authorization_endpoint"). atd is its own
// API endpoint, UAA and Activity Tracker endpoint, so every URL here is atd's own, as the
// caller reached it (Host header), so the URLs work through whatever name the caller used.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "service/Routes.h"

namespace atd {

namespace {

std::string baseUrl(const httplib::Request& req, bool tls) {
    std::string host = req.get_header_value("Host");
    if (host.empty()) {  // HTTP/1.0: the address the request came in on
        bool v6 = req.local_addr.find(':') != std::string::npos;
        host = (v6 ? "[" + req.local_addr + "]" : req.local_addr) + ":" +
               std::to_string(req.local_port);
    }
    return std::string(tls ? "https" : "http") + "://" + host;
}

}  // namespace

void addInfoRoute(httplib::Server& server, bool tls) {
    server.Get("/v2/info", [tls](const httplib::Request& req, httplib::Response& res) {
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
