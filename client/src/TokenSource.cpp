#include "TokenSource.h"

#include <algorithm>

#include "ApiJson.h"
#include "RetryBudget.h"
#include "at/SecretMemory.h"

namespace at {
namespace {

const std::string kTokenCall = "POST /UAALoginServerWAR/oauth/token";

}  // namespace

TokenSource::TokenSource(Http& http) : http_(http) {}

std::string TokenSource::token() {
    std::lock_guard lock(mutex_);
    if (token_.empty() || std::chrono::steady_clock::now() >= refreshAt_)
        fetchLocked();
    return token_;
}

void TokenSource::invalidate(const std::string& token) {
    std::lock_guard lock(mutex_);
    if (token_ == token)
        token_.clear();  // another thread may already hold a fresh one
}

void TokenSource::refresh() {
    std::lock_guard lock(mutex_);
    fetchLocked();
}

void TokenSource::fetchLocked() {
    const ClientOptions& options = http_.options();
    if (options.endpoint.empty())
        throw ApiError(ErrorKind::Config, kTokenCall, 0, "no endpoint set");
    if (options.apiKey.empty())
        throw ApiError(ErrorKind::Config, kTokenCall, 0, "no API key set");

    HttpRequest request;
    request.method = "POST";
    request.target = options.authorizationEndpoint.empty()
                         ? "/UAALoginServerWAR/oauth/token"
                         : options.authorizationEndpoint + "/oauth/token";
    request.headers = {"Authorization: Basic Y2Y6", "Accept: application/json"};  // "cf:"
    request.contentType = "application/x-www-form-urlencoded";
    // Built in place with room for the encoded key, so no reallocation or temporary leaves a
    // copy of it behind; libcurl sends this buffer itself (CURLOPT_POSTFIELDS, not COPY).
    const std::string_view prefix = "grant_type=password&username=apikey&password=";
    request.body.reserve(prefix.size() + 3 * options.apiKey.size());
    WipeOnExit wipeBody(request.body);
    request.body = prefix;
    appendUrlEncoded(request.body, options.apiKey);

    // Asking for a token twice is harmless, so every transient failure may be retried.
    RetryBudget budget(options);
    HttpReply reply;
    for (;;) {
        try {
            reply = http_.exchange(request);
        } catch (const TransportError& e) {
            if (e.failure().retryable && budget.retry())
                continue;
            throw ApiError(
                ErrorKind::Network, kTokenCall, 0,
                e.failure().message + " (" + std::to_string(budget.attempts()) + " attempts)");
        }
        const bool transient = reply.status == 429 || reply.status >= 500;
        if (transient && budget.retry(reply.retryAfterSeconds))
            continue;
        break;
    }
    if (reply.status == 401) {
        throw ApiError(ErrorKind::Auth, kTokenCall, 401, "the API key was refused");
    }
    if (reply.status != 200)
        throw errorFromReply(kTokenCall, reply);

    const auto [token, ttl] = decodeReply(kTokenCall, reply, tokenFromJson);
    // Refresh a little early (a fifth of the lifetime, at most a minute) so a token never
    // expires between being read here and arriving at the service.
    const long ttlMs = std::max(0L, ttl) * 1000;
    const long marginMs = std::min(60000L, ttlMs / 5);
    token_ = token;
    refreshAt_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ttlMs - marginMs);
}

}  // namespace at
