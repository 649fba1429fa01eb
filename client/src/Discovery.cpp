// GET /v2/info: from either of IBM's endpoints to the service and its UAA.
#include <nlohmann/json.hpp>

#include "ApiJson.h"
#include "Http.h"
#include "RetryBudget.h"
#include "at/Client.h"

namespace at {
namespace {

const std::string kInfoCall = "GET /v2/info";

std::string withoutTrailingSlash(std::string url) {
    while (url.size() > 1 && url.back() == '/')
        url.pop_back();
    return url;
}

// Only http(s) URLs: the token request carries the API key there.
std::string urlField(const nlohmann::json& j, const char* field) {
    auto url = j.at(field).get<std::string>();
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw std::runtime_error(std::string(field) + " is not an http(s) URL: " + url);
    return withoutTrailingSlash(url);
}

}  // namespace

Endpoints discoverEndpoints(const ClientOptions& options) {
    if (options.endpoint.empty())
        throw ApiError(ErrorKind::Config, kInfoCall, 0, "no endpoint set");
    Http http(options);
    HttpRequest request;
    request.method = "GET";
    request.target = "/v2/info";
    request.headers = {"Accept: application/json"};
    RetryBudget budget(options);
    HttpReply reply;
    for (;;) {
        try {
            reply = http.exchange(request);
        } catch (const TransportError& e) {
            if (e.failure().retryable && budget.retry())
                continue;
            throw ApiError(
                ErrorKind::Network, kInfoCall, 0,
                e.failure().message + " (" + std::to_string(budget.attempts()) + " attempts)");
        }
        if ((reply.status == 429 || reply.status >= 500) && budget.retry(reply.retryAfterSeconds))
            continue;
        break;
    }
    const std::string given = withoutTrailingSlash(options.endpoint);
    if (reply.status == 404)
        return {given, given + "/UAALoginServerWAR"};
    if (reply.status != 200)
        throw errorFromReply(kInfoCall, reply);
    return decodeReply(kInfoCall, reply, [&](const nlohmann::json& j) {
        Endpoints out;
        out.authorization = urlField(j, "authorization_endpoint");
        out.service = j.contains("activity_tracker_endpoint")
                          ? urlField(j, "activity_tracker_endpoint")
                          : given;
        return out;
    });
}

}  // namespace at
