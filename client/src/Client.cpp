// Typed v3 calls (server/API.md) over Http, with the token, retries and error mapping.
#include "at/Client.h"

#include <nlohmann/json.hpp>

#include "ApiJson.h"
#include "DownloadStreams.h"
#include "Http.h"
#include "RetryBudget.h"
#include "TokenSource.h"
#include "at/SecretMemory.h"

namespace at {
namespace {

using nlohmann::json;

// Whether repeating a request can do harm when its first try may have reached the service.
enum class Repeat {
    Safe,    // GET, DELETE, PUT: same effect however often it arrives
    Unsafe,  // POST /v3/sessions, POST /v3/events: a second arrival creates a second result
};

const char* boolText(bool b) {
    return b ? "true" : "false";
}

}  // namespace

struct Client::Impl {
    explicit Impl(ClientOptions o) : options(std::move(o)), http(options), tokens(http) {
        wipe(o.apiKey);  // moved-from, but a short key may sit in the small-string buffer
    }
    ~Impl() { wipe(options.apiKey); }

    ClientOptions options;
    Http http;
    TokenSource tokens;

    HttpReply call(const std::string& method, const std::string& target, const Domain* domain,
                   std::string body, Repeat repeat, const std::string& callName);
};

HttpReply Client::Impl::call(const std::string& method, const std::string& target,
                             const Domain* domain, std::string body, Repeat repeat,
                             const std::string& callName) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = std::move(body);
    if (!request.body.empty())
        request.contentType = "application/json";

    RetryBudget budget(options);
    bool refreshedToken = false;
    for (;;) {
        const std::string token = tokens.token();
        request.headers = {"X-Auth-Token: bearer " + token, "Accept: application/json"};
        if (domain)
            request.headers.push_back("X-Auth-Project-Id: " + domain->projectId);

        HttpReply reply;
        try {
            reply = http.exchange(request);
        } catch (const TransportError& e) {
            const TransportFailure& f = e.failure();
            // A non-idempotent POST is retried only when it never left this machine: after
            // that, the service may have acted on it (a session created, events stored) and a
            // second try would duplicate it. The caller gets Network and decides.
            const bool mayRepeat = repeat == Repeat::Safe || !f.sent;
            if (f.retryable && mayRepeat && budget.retry())
                continue;
            std::string why = f.message;
            if (f.retryable && !mayRepeat)
                why += " (not retried: the request may have been applied)";
            else
                why += " (" + std::to_string(budget.attempts()) + " attempts)";
            throw ApiError(ErrorKind::Network, callName, 0, why);
        }
        if (reply.status >= 200 && reply.status < 300)
            return reply;
        if (reply.status == 401 && !refreshedToken) {
            // The token may have expired in flight or the service restarted: one fresh token.
            refreshedToken = true;
            tokens.invalidate(token);
            continue;
        }
        // 429 and 503 are refusals before any work, so even a POST may repeat them.
        const bool refused =
            (reply.status == 429 && options.retryLimitReached) || reply.status == 503;
        const bool failed = reply.status >= 500 && repeat == Repeat::Safe;
        if ((refused || failed) && budget.retry(reply.retryAfterSeconds))
            continue;
        throw errorFromReply(callName, reply);
    }
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

const ClientOptions& Client::options() const {
    return impl_->options;
}

void Client::login() {
    impl_->tokens.refresh();
}

SpaceList Client::spaces() {
    const std::string call = "GET /v3/spaces";
    const HttpReply reply = impl_->call("GET", "/v3/spaces", nullptr, {}, Repeat::Safe, call);
    return decodeReply(call, reply, spacesFromJson);
}

std::vector<DayStatus> Client::status(const Domain& domain, std::optional<Date> start,
                                      std::optional<Date> end, bool hours) {
    std::string target = "/v3/events?AtAccountLevel=" + std::string(boolText(domain.accountLevel)) +
                         "&hours=" + boolText(hours);
    if (start)
        target += "&start=" + start->str();
    if (end)
        target += "&end=" + end->str();
    const std::string call = "GET /v3/events";
    const HttpReply reply = impl_->call("GET", target, &domain, {}, Repeat::Safe, call);
    return decodeReply(call, reply, statusFromJson);
}

Session Client::createSession(const Domain& domain, const SessionRequest& request) {
    json body = {{"start", request.start ? request.start->str() : ""},
                 {"end", request.end ? request.end->str() : ""},
                 {"AtAccountLevel", request.accountLevel || domain.accountLevel},
                 {"SearchTime", request.hour ? std::to_string(*request.hour) : ""}};
    if (!request.tag.empty())
        body["tag"] = request.tag;
    const std::string call = "POST /v3/sessions";
    const HttpReply reply =
        impl_->call("POST", "/v3/sessions", &domain, body.dump(), Repeat::Unsafe, call);
    return decodeReply(call, reply, sessionFromJson);
}

std::vector<Session> Client::listSessions(const Domain& domain) {
    const std::string call = "GET /v3/sessions";
    const HttpReply reply = impl_->call("GET", "/v3/sessions", &domain, {}, Repeat::Safe, call);
    return decodeReply(call, reply, [](const json& j) {
        std::vector<Session> sessions;
        for (const auto& s : j)
            sessions.push_back(sessionFromJson(s));
        return sessions;
    });
}

Session Client::getSession(const Domain& domain, const std::string& id) {
    const std::string target = "/v3/sessions/" + urlEncode(id);
    const std::string call = "GET " + target;
    const HttpReply reply = impl_->call("GET", target, &domain, {}, Repeat::Safe, call);
    return decodeReply(call, reply, sessionFromJson);
}

void Client::deleteSession(const Domain& domain, const std::string& id) {
    const std::string target = "/v3/sessions/" + urlEncode(id);
    impl_->call("DELETE", target, &domain, {}, Repeat::Safe, "DELETE " + target);
}

std::unique_ptr<DownloadStream> Client::download(const Domain& domain, const std::string& sessionId,
                                                 DownloadMode mode, uint64_t rawOffset) {
    return openDownload(impl_->http, impl_->tokens, domain, sessionId, mode, rawOffset);
}

std::unique_ptr<DownloadStream> Client::downloadRange(const Domain& domain,
                                                      const std::string& sessionId, uint64_t offset,
                                                      uint64_t length) {
    return openRange(impl_->http, impl_->tokens, domain, sessionId, offset, length);
}

IngestResult Client::ingest(const Domain& domain, std::string_view jsonLines) {
    const std::string target =
        "/v3/events?AtAccountLevel=" + std::string(boolText(domain.accountLevel));
    const std::string call = "POST /v3/events";
    const HttpReply reply =
        impl_->call("POST", target, &domain, std::string(jsonLines), Repeat::Unsafe, call);
    return decodeReply(call, reply,
                       [](const json& j) { return IngestResult{unsignedField(j, "accepted")}; });
}

DeleteResult Client::deleteEvents(const Domain& domain, Date start, Date end,
                                  std::optional<int> hour) {
    std::string target = "/v3/events?start=" + start.str() + "&end=" + end.str() +
                         "&AtAccountLevel=" + boolText(domain.accountLevel);
    if (hour)
        target += "&SearchTime=" + std::to_string(*hour);
    const std::string call = "DELETE /v3/events";
    const HttpReply reply = impl_->call("DELETE", target, &domain, {}, Repeat::Safe, call);
    return decodeReply(call, reply, [](const json& j) {
        return DeleteResult{j.value("message", std::string()), unsignedField(j, "count"),
                            unsignedField(j, "bytes")};
    });
}

int Client::retention(const Domain& domain) {
    const std::string target =
        "/v3/options?AtAccountLevel=" + std::string(boolText(domain.accountLevel));
    const std::string call = "GET /v3/options";
    const HttpReply reply = impl_->call("GET", target, &domain, {}, Repeat::Safe, call);
    return decodeReply(
        call, reply, [](const json& j) { return int(integerField(j, "retention", 0, INT32_MAX)); });
}

int Client::setRetention(const Domain& domain, int days) {
    const std::string target =
        "/v3/options?AtAccountLevel=" + std::string(boolText(domain.accountLevel));
    const std::string call = "PUT /v3/options";
    const json body = {{"retention", days}};
    const HttpReply reply = impl_->call("PUT", target, &domain, body.dump(), Repeat::Safe, call);
    return decodeReply(
        call, reply, [](const json& j) { return int(integerField(j, "retention", 0, INT32_MAX)); });
}

}  // namespace at
