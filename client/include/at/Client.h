// libatclient: a thread-safe C++ client of the Activity Tracker v3 API (server/API.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "at/Error.h"
#include "at/SecretMemory.h"
#include "at/Types.h"

namespace at {

struct ClientOptions {
    std::string endpoint;  // "http://127.0.0.1:8080" (no trailing slash needed)
    // The UAA base the token comes from (AUTHORIZATION_ENDPOINT/oauth/token); empty:
    // endpoint + "/UAALoginServerWAR". discoverEndpoints() finds it.
    std::string authorizationEndpoint;
    SecretString apiKey;    // never logged; wiped when the options go
    std::string caCert;     // PEM file; empty: the system store
    bool insecure = false;  // skip TLS verification (self-signed test servers only)
    std::string userAgent = "libatclient/0.1";
    long connectTimeoutMs = 10000;
    long stallTimeoutMs = 30000;  // no byte received for this long: the transfer is stalled
    // Fewer than minRateBytesPerSec on average over minRateWindowMs is a stall too: a drip of
    // a byte a second would otherwise hold a reader and its session for as long as it lasts.
    // Time spent waiting on a slow reader does not count. 0 turns the floor off.
    long minRateBytesPerSec = 1024;
    long minRateWindowMs = 30000;
    // 429 (the service's session limit) is waited out as Retry-After says inside each call;
    // false: thrown at once as LimitReached, for a caller with its own interruptible wait.
    bool retryLimitReached = true;
    int maxAttempts = 5;          // per call, including the first
    long maxRetryTimeMs = 60000;  // total time a call may spend retrying
    long backoffBaseMs = 100;     // exponential backoff with jitter from here
};

// The two URLs of IBM's flow: the Activity Tracker service and the UAA it takes tokens from.
struct Endpoints {
    std::string service;
    std::string authorization;
};

// Asks GET /v2/info of options.endpoint, which may be the service endpoint or the API endpoint
// (IBM's token flow starts there: "retrieve the endpoint value from the field
// authorization_endpoint"). service is the reply's activity_tracker_endpoint, else
// options.endpoint. A server without /v2/info (404) is taken as a service endpoint whose UAA
// is at /UAALoginServerWAR. Throws ApiError on a network failure or a malformed reply.
Endpoints discoverEndpoints(const ClientOptions& options);

// A pull stream over one session's download. read() never returns a short count
// except at the end (0) or when fewer bytes remain; it throws ApiError on failure.
// Dropped connections are resumed with Range on the same session, transparently.
class DownloadStream {
  public:
    virtual ~DownloadStream() = default;
    virtual size_t read(char* buf, size_t n) = 0;
    virtual uint64_t position() const = 0;      // bytes returned so far (in this stream's mode)
    virtual uint64_t gzipReceived() const = 0;  // raw bytes received from the service
    virtual uint64_t gzipTotal() const = 0;     // Content-Length of the full download
    // From any thread: the reader is gone. The transfer stops within a second whatever the
    // connection does, and read() returns what it holds, then 0; the caller, who cancelled,
    // knows that 0 is not the end of the data.
    virtual void cancel() = 0;
};

enum class DownloadMode { Inflated, Raw };

class Client {
  public:
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    const ClientOptions& options() const;

    // Exchanges the API key for a token now (the other calls do it lazily). Throws Auth.
    void login();

    SpaceList spaces();
    std::vector<DayStatus> status(const Domain& domain, std::optional<Date> start,
                                  std::optional<Date> end, bool hours);

    Session createSession(const Domain& domain, const SessionRequest& request);
    std::vector<Session> listSessions(const Domain& domain);
    Session getSession(const Domain& domain, const std::string& id);
    void deleteSession(const Domain& domain, const std::string& id);

    // Raw mode may start at a byte offset (Range); inflated mode always starts at 0.
    std::unique_ptr<DownloadStream> download(const Domain& domain, const std::string& sessionId,
                                             DownloadMode mode, uint64_t rawOffset = 0);
    // The raw (gzip) bytes [offset, offset + length) of the download, with `Range: bytes=N-M`:
    // read() returns exactly length bytes, then 0. Drops and stalls inside the range are
    // resumed like download(); a reply that is not a 206 for exactly the bytes asked (a 200,
    // another range, a range past the end of the download) is an Integrity error naming the
    // session. length 0 is a BadRequest, thrown before any request; an offset at or past the
    // end is the service's 416, a BadRequest too. gzipTotal() is the full download's size.
    std::unique_ptr<DownloadStream> downloadRange(const Domain& domain,
                                                  const std::string& sessionId, uint64_t offset,
                                                  uint64_t length);

    IngestResult ingest(const Domain& domain, std::string_view jsonLines);
    DeleteResult deleteEvents(const Domain& domain, Date start, Date end, std::optional<int> hour);
    int retention(const Domain& domain);
    int setRetention(const Domain& domain, int days);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace at
