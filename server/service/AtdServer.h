// atd's HTTP(S) server: builds the store, users, tokens and sessions from the options, wires
// the routes, logging and error replies, and runs until stop().
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace atd {

struct ServeOptions {
    std::filesystem::path dataDir;
    std::string host = "127.0.0.1";
    int port = 0;                     // 0: any free port
    std::filesystem::path usersFile;  // empty: dataDir/users.json
    std::filesystem::path tlsCert;
    std::filesystem::path tlsKey;
    std::chrono::seconds tokenTtl{3600};
    std::chrono::seconds sessionIdleTimeout{0};  // 0: sessions live until deleted
    // Event-loop threads of the HTTP server: a slow client or a download holds none between
    // its socket's events; a route handler runs on one while it works.
    int threads = 16;
    bool quiet = false;

    // Bounds applied before a route runs (server/http/ConnectionPolicy.h).
    size_t maxBodyBytes = size_t(64) << 10;     // decoded body of every route but ingest
    size_t maxIngestBytes = size_t(256) << 20;  // decoded body of POST /v3/events
    size_t maxHeaderBytes = size_t(64) << 10;   // request line + headers of one request
    size_t maxBufferedBytes = size_t(1) << 30;  // decoded bodies of all requests in flight
    int maxConnections = 1024;
    int maxConnectionsPerIp = 128;
    std::chrono::seconds idleTimeout{60};    // a connection silent this long is closed
    std::chrono::seconds headerTimeout{30};  // a whole request header must arrive in this
    // GET /metrics is served on the API address; this serves it on another one too.
    std::string metricsHost;
    int metricsPort = -1;  // -1: no separate metrics listener
    // `--demo-live RATE`: keep ingesting demo events at RATE per second (0: off).
    double demoLiveRate = 0;
};

class AtdServer {
  public:
    // Throws std::runtime_error with one line for a person (unreadable users file, bad TLS
    // files, port in use...).
    explicit AtdServer(ServeOptions options);
    ~AtdServer();

    // Binds the listening socket; returns the port (the real one when options.port was 0).
    int bind();
    // Serves until stop(); returns false if the server failed.
    bool run();
    // Safe from any thread.
    void stop();
    bool running() const;  // run() has entered its accept loop

    std::string url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atd
