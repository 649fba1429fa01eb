// libcurl plumbing: handle pool, shared settings, single exchanges, failure classification.
#include "Http.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "at/Error.h"
#include "at/SecretMemory.h"

namespace at {
namespace {

constexpr size_t kMaxReplyBytes = 256u << 20;  // JSON replies; far above any real listing
constexpr size_t kMaxIdleHandles = 16;

void globalInitOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct ExchangeState {
    HttpReply* reply;
    bool tooLarge = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<ExchangeState*>(user);
    const size_t n = size * count;
    if (state->reply->body.size() + n > kMaxReplyBytes) {
        state->tooLarge = true;
        return 0;
    }
    state->reply->body.append(data, n);
    return n;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<ExchangeState*>(user);
    const size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0)
        state->reply->retryAfterSeconds.reset();  // new response
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (name == "retry-after")
            state->reply->retryAfterSeconds = parseRetryAfter(line.substr(colon + 1));
    }
    return n;
}

}  // namespace

StallGuard::StallGuard(const ClientOptions& options)
    : limit_(options.stallTimeoutMs),
      minRate_(options.minRateBytesPerSec),
      minRateWindow_(options.minRateWindowMs) {}

void StallGuard::install(CURL* curl) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &StallGuard::onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
    touch();
    samples_.clear();
    samples_.push_back({last_, 0});
}

std::string StallGuard::why() const {
    if (tooSlow_) {
        return "transfer too slow (under " + std::to_string(minRate_) + " bytes/s for " +
               std::to_string(minRateWindow_.count() / 1000) + " s)";
    }
    return "transfer stalled (no data within the stall timeout)";
}

int StallGuard::onProgress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
    auto* guard = static_cast<StallGuard*>(self);
    if (guard->abort_ && guard->abort_->load())
        return 1;
    const curl_off_t moved = dlnow + ulnow;
    const auto now = std::chrono::steady_clock::now();
    if (guard->minRate_ > 0 && guard->minRateWindow_.count() > 0) {
        auto& samples = guard->samples_;
        if (samples.empty() || now - samples.back().at >= std::chrono::milliseconds(250))
            samples.push_back({now, moved});
        const auto windowStart = now - guard->minRateWindow_;
        while (samples.size() > 1 && samples[1].at <= windowStart)
            samples.pop_front();
        const Sample& first = samples.front();
        if (first.at <= windowStart) {
            const auto ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - first.at).count();
            if ((moved - first.moved) * 1000 < curl_off_t(guard->minRate_) * ms) {
                guard->stalled_ = guard->tooSlow_ = true;
                return 1;
            }
        }
    }
    if (moved != guard->seen_) {
        guard->seen_ = moved;
        guard->last_ = now;
        return 0;
    }
    if (guard->limit_.count() > 0 && now - guard->last_ > guard->limit_) {
        guard->stalled_ = true;
        return 1;  // abort: CURLE_ABORTED_BY_CALLBACK
    }
    return 0;
}

CurlLease::CurlLease(CurlLease&& other) noexcept : pool_(other.pool_), curl_(other.curl_) {
    other.curl_ = nullptr;
}

CurlLease::~CurlLease() {
    if (curl_)
        pool_->release(curl_);
}

CurlPool::~CurlPool() {
    for (CURL* curl : idle_)
        curl_easy_cleanup(curl);
}

CurlLease CurlPool::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            CURL* curl = idle_.back();
            idle_.pop_back();
            // reset clears options but keeps the connection cache: that is the reuse.
            curl_easy_reset(curl);
            return CurlLease(this, curl);
        }
    }
    CURL* curl = curl_easy_init();
    if (!curl)
        throw ApiError(ErrorKind::Network, "curl_easy_init", 0, "out of memory");
    return CurlLease(this, curl);
}

void CurlPool::release(CURL* curl) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) {
        idle_.push_back(curl);
    } else {
        curl_easy_cleanup(curl);
    }
}

Http::~Http() {
    wipe(options_.apiKey);
}

Http::Http(const ClientOptions& options) : options_(options) {
    globalInitOnce();
    while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
        options_.endpoint.pop_back();
}

void Http::configure(CURL* curl, const std::string& target) const {
    // A target may be a whole URL: the UAA need not be on the service's host.
    const bool absolute = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
    const std::string url = absolute ? target : options_.endpoint + target;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // many threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connectTimeoutMs);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.userAgent.c_str());
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    // libcurl reads http_proxy/https_proxy/no_proxy itself; nothing to do for proxies.
    if (!options_.caCert.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, options_.caCert.c_str());
    if (options_.insecure) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

HttpReply Http::exchange(const HttpRequest& request) {
    CurlLease lease = acquire();
    CURL* curl = lease.get();
    configure(curl, request.target);

    CurlHeaders headers;
    for (const auto& line : request.headers)
        headers.add(line);
    headers.add("Expect:");  // no 100-continue round trip for large bodies
    if (!request.contentType.empty())
        headers.add("Content-Type: " + request.contentType);

    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);

    HttpReply reply;
    ExchangeState state{&reply};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
    StallGuard guard(options_);
    guard.install(curl);
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);

    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (state.tooLarge) {
        throw ApiError(ErrorKind::Protocol, request.method + " " + request.target, 0,
                       "reply larger than " + std::to_string(kMaxReplyBytes >> 20) + " MiB");
    }
    if (rc != CURLE_OK)
        throw TransportError(failureOf(curl, rc, guard, errorBuffer));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

TransportFailure Http::failureOf(CURL* curl, CURLcode code, const StallGuard& guard,
                                 const char* errorBuffer) {
    TransportFailure failure;
    failure.code = code;
    long requestBytes = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &requestBytes);
    failure.sent = requestBytes > 0;
    failure.stalled = code == CURLE_ABORTED_BY_CALLBACK && guard.stalled();
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            failure.retryable = false;
            break;
        default:
            break;
    }
    std::string detail = errorBuffer && errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
    failure.message = failure.stalled ? guard.why() : detail;
    return failure;
}

std::optional<int> parseRetryAfter(const std::string& value) {
    size_t begin = value.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return std::nullopt;
    int seconds = 0;
    const char* first = value.data() + begin;
    const char* last = value.data() + value.size();
    auto [end, ec] = std::from_chars(first, last, seconds);
    if (ec != std::errc() || end == first || seconds < 0)
        return std::nullopt;
    return std::min(seconds, 3600);
}

std::string urlEncode(const std::string& text) {
    std::string out;
    appendUrlEncoded(out, text);
    return out;
}

void appendUrlEncoded(std::string& out, std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

}  // namespace at
