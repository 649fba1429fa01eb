#include "DownloadTransfer.h"

#include <charconv>
#include <cstring>
#include <optional>

#include "ApiJson.h"
#include "RetryBudget.h"
#include "at/Error.h"

namespace at {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;
constexpr long kCurlBufferBytes = 256 * 1024;  // fewer, larger write callbacks

std::string lower(std::string text) {
    for (char& c : text)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string trim(const std::string& text) {
    const auto b = text.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = text.find_last_not_of(" \t\r\n");
    return text.substr(b, e - b + 1);
}

std::optional<uint64_t> parseNumber(std::string_view text) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// "bytes N-M/T" → {N, M, T}; "bytes */T" → {nullopt, nullopt, T}.
struct ContentRange {
    std::optional<uint64_t> first, last, total;
};

ContentRange parseContentRange(const std::string& value) {
    ContentRange range;
    std::string_view v = value;
    if (v.rfind("bytes ", 0) != 0)
        return range;
    v.remove_prefix(6);
    const auto slash = v.find('/');
    if (slash == std::string_view::npos)
        return range;
    range.total = parseNumber(v.substr(slash + 1));
    const auto span = v.substr(0, slash);
    const auto dash = span.find('-');
    if (dash != std::string_view::npos) {
        range.first = parseNumber(span.substr(0, dash));
        range.last = parseNumber(span.substr(dash + 1));
    }
    return range;
}

}  // namespace

struct DownloadTransfer::Attempt {
    explicit Attempt(const ClientOptions& options) : guard(options) {}
    StallGuard guard;
    uint64_t startOffset = 0;
    long status = 0;
    std::optional<uint64_t> contentLength;
    std::string contentRange;
    std::optional<int> retryAfter;
    bool headersChecked = false;
    bool bodyAccepted = false;
    bool cancelled = false;
    std::string errorBody;
    std::exception_ptr error;  // set by a callback that aborted the transfer
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

DownloadTransfer::DownloadTransfer(Http& http, TokenSource& tokens, Domain domain,
                                   std::string sessionId, uint64_t offset,
                                   std::optional<uint64_t> end, ByteRing& ring)
    : http_(http),
      tokens_(tokens),
      domain_(std::move(domain)),
      sessionId_(std::move(sessionId)),
      call_("GET /v3/events/download (session " + sessionId_ +
            (end ? ", bytes " + std::to_string(offset) + "-" + std::to_string(*end - 1) : "") +
            ")"),
      ring_(ring),
      received_(offset),
      end_(end) {
    thread_ = std::thread([this] { run(); });
}

void DownloadTransfer::cancel() {
    cancelled_.store(true);
    ring_.cancel();
}

DownloadTransfer::~DownloadTransfer() {
    cancel();
    if (thread_.joinable())
        thread_.join();
}

uint64_t DownloadTransfer::waitForTotal() {
    std::unique_lock lock(startMutex_);
    startCv_.wait(lock, [&] { return startDone_; });
    if (startError_)
        std::rethrow_exception(startError_);
    return total_;
}

void DownloadTransfer::started(uint64_t total) {
    {
        std::lock_guard lock(startMutex_);
        total_ = total;
        totalKnown_ = true;
        startDone_ = true;
    }
    startCv_.notify_all();
}

void DownloadTransfer::fail(std::exception_ptr error) {
    {
        std::lock_guard lock(startMutex_);
        if (!startDone_) {
            startDone_ = true;
            startError_ = error;
        }
    }
    startCv_.notify_all();
    ring_.finish(error);
}

size_t DownloadTransfer::onHeader(char* data, size_t size, size_t count, void* self) {
    auto* a = static_cast<DownloadTransfer*>(self)->current_;
    const size_t n = size * count;
    const std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a 100 Continue or a proxy's CONNECT): forget the last one.
        a->contentLength.reset();
        a->contentRange.clear();
        a->retryAfter.reset();
        a->headersChecked = false;
        a->bodyAccepted = false;
        const auto space = line.find(' ');
        a->status = space == std::string::npos ? 0 : std::atol(line.c_str() + space + 1);
        return n;
    }
    if (line == "\r\n" || line == "\n") {
        // End of a response's headers: accept a 2xx now, so the stream starts (and its size
        // is known) even when the connection drops before the first body byte.
        auto* transfer = static_cast<DownloadTransfer*>(self);
        if (a->status >= 200 && a->status < 300 && !a->headersChecked &&
            !transfer->acceptHeaders(*a)) {
            return 0;
        }
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos)
        return n;
    const std::string name = lower(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (name == "content-length")
        a->contentLength = parseNumber(value);
    if (name == "content-range")
        a->contentRange = value;
    if (name == "retry-after")
        a->retryAfter = parseRetryAfter(value);
    return n;
}

std::string DownloadTransfer::rangeHeader(uint64_t from) const {
    return "bytes=" + std::to_string(from) + "-" + (end_ ? std::to_string(*end_ - 1) : "");
}

bool DownloadTransfer::acceptRange(Attempt& a, uint64_t& total) {
    auto reject = [&](const std::string& why) {
        a.error =
            std::make_exception_ptr(ApiError(ErrorKind::Integrity, call_, int(a.status), why));
        return false;
    };
    const std::string asked = "Range: " + rangeHeader(a.startOffset);
    if (a.status != 206) {
        return reject("asked " + asked + " but got status " + std::to_string(a.status) +
                      " (the service ignored the range)");
    }
    const ContentRange range = parseContentRange(a.contentRange);
    if (range.total && *end_ > *range.total) {
        return reject("asked " + asked + " but the download has only " +
                      std::to_string(*range.total) + " bytes");
    }
    if (!range.first || !range.last || !range.total || *range.first != a.startOffset ||
        *range.last != *end_ - 1) {
        return reject("asked " + asked + " but Content-Range is \"" + a.contentRange + "\"");
    }
    if (a.contentLength && *a.contentLength != *end_ - a.startOffset) {
        return reject("asked " + asked + " but Content-Length is " +
                      std::to_string(*a.contentLength));
    }
    total = *range.total;
    return true;
}

bool DownloadTransfer::acceptHeaders(Attempt& a) {
    a.headersChecked = true;
    if (a.status < 200 || a.status >= 300)
        return true;  // an error body: collected, not streamed
    auto reject = [&](const std::string& why) {
        a.error =
            std::make_exception_ptr(ApiError(ErrorKind::Integrity, call_, int(a.status), why));
        return false;
    };
    uint64_t total = 0;
    if (end_) {
        if (!acceptRange(a, total))
            return false;
    } else if (a.status == 200) {
        if (a.startOffset != 0)
            return reject("the service ignored Range: bytes=" + std::to_string(a.startOffset) +
                          "-");
        if (!a.contentLength)
            return reject("no Content-Length on the download");
        total = *a.contentLength;
    } else if (a.status == 206) {
        const ContentRange range = parseContentRange(a.contentRange);
        if (!range.first || !range.total || *range.first != a.startOffset) {
            return reject("resumed at byte " + std::to_string(a.startOffset) +
                          " but Content-Range is \"" + a.contentRange + "\"");
        }
        total = *range.total;
    } else {
        return reject("unexpected status " + std::to_string(a.status) + " for a download");
    }
    if (totalKnown_ && total != total_) {
        return reject("download size changed from " + std::to_string(total_) + " to " +
                      std::to_string(total) + " bytes between attempts");
    }
    a.bodyAccepted = true;
    if (!totalKnown_)
        started(total);
    return true;
}

size_t DownloadTransfer::onBody(char* data, size_t size, size_t count, void* self) {
    auto* transfer = static_cast<DownloadTransfer*>(self);
    Attempt& a = *transfer->current_;
    const size_t n = size * count;
    if (!a.headersChecked && !transfer->acceptHeaders(a))
        return 0;
    if (!a.bodyAccepted) {
        if (a.errorBody.size() < kMaxErrorBody)
            a.errorBody.append(data, std::min(n, kMaxErrorBody - a.errorBody.size()));
        return n;
    }
    const uint64_t at = transfer->received();
    if (at + n > transfer->end()) {
        a.error = std::make_exception_ptr(
            ApiError(ErrorKind::Integrity, transfer->call_, int(a.status),
                     "more bytes than the " + std::to_string(transfer->end()) +
                         (transfer->end_ ? " the range ends at" : " announced")));
        return 0;
    }
    const auto before = std::chrono::steady_clock::now();
    if (!transfer->ring_.write(data, n)) {
        a.cancelled = true;
        return 0;
    }
    transfer->received_.store(at + n, std::memory_order_relaxed);
    // Time spent blocked on a full ring is backpressure, not a stall, nor a slow network.
    a.guard.touch();
    a.guard.waitedForReader(std::chrono::steady_clock::now() - before);
    return n;
}

CURLcode DownloadTransfer::perform(CURL* curl, Attempt& a, const std::string& token) {
    curl_easy_reset(curl);
    http_.configure(curl, "/v3/events/download");
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kCurlBufferBytes);
    CurlHeaders headers;
    headers.add("X-Auth-Token: bearer " + token);
    headers.add("X-Auth-Project-Id: " + domain_.projectId);
    headers.add("SESSIONID: " + sessionId_);
    if (a.startOffset > 0 || end_)
        headers.add("Range: " + rangeHeader(a.startOffset));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &DownloadTransfer::onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &DownloadTransfer::onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, a.errorBuffer);
    a.guard.install(curl);
    a.guard.abortWhen(&cancelled_);

    current_ = &a;
    const CURLcode rc = curl_easy_perform(curl);
    current_ = nullptr;
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);  // `headers` dies here
    return rc;
}

// The policy: resume after drops and stalls, retry refusals, refresh the token once,
// and end the ring with the bytes or with the error that stopped them.
void DownloadTransfer::run() {
    try {
        const ClientOptions& options = http_.options();
        RetryBudget budget(options, [this](std::chrono::milliseconds delay) {
            return ring_.sleepUnlessCancelled(delay);
        });
        CurlLease lease = http_.acquire();
        CURL* curl = lease.get();
        bool refreshedToken = false;
        for (;;) {
            if (cancelled_.load())
                return;
            const uint64_t before = received();
            const std::string token = tokens_.token();
            Attempt a(options);
            a.startOffset = before;

            const CURLcode rc = perform(curl, a, token);
            if (a.cancelled || cancelled_.load())
                return;
            if (a.error)
                return fail(a.error);
            // Bounded attempts count failures in a row, not per download; a connection that
            // went slow made no progress worth a fresh budget (a drip moves a byte a second).
            if (received() > before && !a.guard.tooSlow()) {
                budget.restart();
                refreshedToken = false;
            }

            if (rc != CURLE_OK) {
                if (end_ && totalKnown_ && received() == *end_) {
                    ring_.finish();  // every byte asked for arrived before the failure
                    return;
                }
                const TransportFailure failure = Http::failureOf(curl, rc, a.guard, a.errorBuffer);
                if (failure.retryable && budget.retry())
                    continue;
                return fail(std::make_exception_ptr(ApiError(
                    ErrorKind::Network, call_, 0,
                    failure.message + " at byte " + std::to_string(received()) +
                        (totalKnown_ ? " of " + std::to_string(end()) : std::string()) +
                        ", gave up after " + std::to_string(budget.attempts()) + " attempts")));
            }
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
            if (a.status >= 200 && a.status < 300) {
                if (!a.headersChecked && !acceptHeaders(a))
                    return fail(a.error);  // empty body
                if (received() == end()) {
                    ring_.finish();
                    return;
                }
                // The reply ended short without a transport error: resume like a drop.
                if (budget.retry())
                    continue;
                return fail(std::make_exception_ptr(
                    ApiError(ErrorKind::Network, call_, int(a.status),
                             "connection closed at byte " + std::to_string(received()) + " of " +
                                 std::to_string(end()))));
            }
            if (a.status == 401 && !refreshedToken) {
                refreshedToken = true;
                tokens_.invalidate(token);
                continue;
            }
            if (a.status == 416 && !end_) {
                // Asked to start at (or past) the end: fine when it is exactly the end.
                const ContentRange range = parseContentRange(a.contentRange);
                if (range.total && *range.total == before) {
                    if (!totalKnown_)
                        started(before);
                    ring_.finish();
                    return;
                }
            }
            const bool transient = a.status == 429 || a.status >= 500;
            if (transient && budget.retry(a.retryAfter))
                continue;
            HttpReply reply{a.status, a.errorBody, a.retryAfter};
            return fail(std::make_exception_ptr(errorFromReply(call_, reply)));
        }
    } catch (...) {
        current_ = nullptr;
        fail(std::current_exception());
    }
}

}  // namespace at
