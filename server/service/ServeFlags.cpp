#include "service/ServeFlags.h"

#include "service/Log.h"

namespace atd {

namespace {

// Registers one flag with CLI11 and records what the docs say about it.
class Declarer {
  public:
    Declarer(CLI::App& app, std::vector<at::OptionDoc>& docs) : app_(app), docs_(docs) {}

    template <class T>
    void text(const char* name, T& into, const char* metavar, std::string fallback,
              const char* help, bool required = false) {
        into = T(fallback);
        auto* o = app_.add_option(name, into, help)->type_name(metavar);
        if (required)
            o->required();
        docs_.push_back({name, metavar, fallback, "", help});
    }
    template <class T>
    void number(const char* name, T& into, T fallback, T min, T max, const char* metavar,
                const char* help) {
        into = fallback;
        app_.add_option(name, into, help)
            ->type_name(metavar)
            ->check(CLI::Range(min, max))
            ->capture_default_str();
        docs_.push_back({name, metavar, std::to_string(fallback),
                         std::to_string(min) + ".." + std::to_string(max), help});
    }
    void choice(const char* name, std::string& into, std::string fallback,
                std::vector<std::string> choices, const char* help) {
        into = fallback;
        std::string joined;
        for (const std::string& c : choices)
            joined += (joined.empty() ? "" : "|") + c;
        app_.add_option(name, into, help)->type_name(joined)->check(CLI::IsMember(choices));
        docs_.push_back({name, joined, fallback, "", help});
    }
    void flag(const char* name, bool& into, const char* help) {
        into = false;
        app_.add_flag(name, into, help);
        docs_.push_back({name, "", "", "", help});
    }

  private:
    CLI::App& app_;
    std::vector<at::OptionDoc>& docs_;
};

bool parseListen(const std::string& text, ServeOptions& options) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return false;
    try {
        size_t used = 0;
        auto port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || port < 0 || port > 65535)
            return false;
        options.host = text.substr(0, colon);
        options.port = port;
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

std::vector<at::OptionDoc> declareServeFlags(CLI::App& serve, ServeFlags& f) {
    std::vector<at::OptionDoc> docs;
    Declarer d(serve, docs);
    ServeOptions& o = f.options;
    d.text("--data", o.dataDir, "DIR", "", "data folder (events, users, sessions); required", true);
    d.text("--listen", f.listen, "HOST:PORT", "127.0.0.1:0",
           "address to listen on; port 0 picks a free port");
    d.text("--users", o.usersFile, "FILE", "DATA/users.json", "users file");
    d.text("--tls-cert", o.tlsCert, "FILE", "", "PEM certificate: serve HTTPS");
    d.text("--tls-key", o.tlsKey, "FILE", "", "PEM private key of --tls-cert");
    d.number<int64_t>("--token-ttl", f.tokenTtlSeconds, 3600, 1, 86400 * 365, "SECONDS",
                      "lifetime of a bearer token; an expired token gets 401");
    d.number<int64_t>("--session-idle-timeout", f.idleTimeoutSeconds, 0, 0, 86400 * 365, "SECONDS",
                      "delete sessions idle this long (0: never)");
    d.number<int>("--threads", o.threads, 16, 1, 1024, "N",
                  "HTTP event-loop threads; a slow client or a download holds none while it "
                  "waits for its socket, a request's handler runs on one while it works");
    d.number<int64_t>("--max-body-kib", f.maxBodyKiB, 64, 1, int64_t(1) << 20, "KIB",
                      "largest body of every route but ingest, counted after transfer and gzip "
                      "decoding (413 past it)");
    d.number<int64_t>("--max-ingest-mib", f.maxIngestMiB, 256, 1, 256, "MIB",
                      "largest POST /v3/events body, counted after transfer and gzip decoding "
                      "(413 past it)");
    d.number<int64_t>("--max-header-kib", f.maxHeaderKiB, 64, 8, 1024, "KIB",
                      "memory of one connection for a request line and its headers (431 past "
                      "it)");
    d.number<int64_t>("--max-buffered-mib", f.maxBufferedMiB, 1024, 1, int64_t(1) << 20, "MIB",
                      "request bodies held in memory by all requests together (503 with "
                      "Retry-After past it)");
    d.number<int>("--max-connections", o.maxConnections, 1024, 1, 65536, "N",
                  "open connections in all (more are closed at once)");
    d.number<int>("--max-connections-per-ip", o.maxConnectionsPerIp, 128, 0, 65536, "N",
                  "open connections from one peer address (0: no per-peer cap)");
    d.number<int64_t>("--idle-timeout", f.connectionIdleSeconds, 60, 1, 86400, "SECONDS",
                      "close a connection after this long without a byte either way");
    d.number<int64_t>("--header-timeout", f.headerTimeoutSeconds, 30, 0, 86400, "SECONDS",
                      "time a client has for a whole request header, from connecting or from its "
                      "previous reply (cuts clients dripping their headers; 0: off)");
    d.text("--metrics-listen", f.metricsListen, "HOST:PORT", "",
           "serve GET /metrics on this address too (it is always served on --listen)");
    d.number<int64_t>("--demo-live", f.demoLivePerSecond, 0, 0, 100000, "RATE",
                      "keep ingesting demo events at RATE per second into the demo's spaces (0: "
                      "off)");
    d.flag("--quiet", o.quiet, "no per-request log lines");
    d.text("--log", f.log, "stderr|syslog|FILE", "stderr",
           "where log lines go (syslog: facility daemon, tag atd)");
    d.choice("--log-level", f.logLevel, "info", {"error", "warning", "info", "debug"},
             "least severe level logged; debug adds a line per session");
    d.text("--syslog-socket", f.syslogSocket, "PATH", "/dev/log",
           "the syslog socket --log=syslog writes to");
    // The docs show DATA/users.json; the real default is resolved by AtdServer.
    o.usersFile.clear();
    return docs;
}

std::string applyServeFlags(ServeFlags& f) {
    if (!parseListen(f.listen, f.options))
        return "bad flag --listen " + f.listen + ": takes HOST:PORT, e.g. 127.0.0.1:8080";
    f.options.tokenTtl = std::chrono::seconds(f.tokenTtlSeconds);
    f.options.sessionIdleTimeout = std::chrono::seconds(f.idleTimeoutSeconds);
    f.options.demoLiveRate = double(f.demoLivePerSecond);
    f.options.maxBodyBytes = size_t(f.maxBodyKiB) << 10;
    f.options.maxIngestBytes = size_t(f.maxIngestMiB) << 20;
    f.options.maxHeaderBytes = size_t(f.maxHeaderKiB) << 10;
    f.options.maxBufferedBytes = size_t(f.maxBufferedMiB) << 20;
    f.options.idleTimeout = std::chrono::seconds(f.connectionIdleSeconds);
    f.options.headerTimeout = std::chrono::seconds(f.headerTimeoutSeconds);
    if (!f.metricsListen.empty()) {
        ServeOptions metrics;
        if (!parseListen(f.metricsListen, metrics))
            return "bad flag --metrics-listen " + f.metricsListen +
                   ": takes HOST:PORT, e.g. 127.0.0.1:9100";
        f.options.metricsHost = metrics.host;
        f.options.metricsPort = metrics.port;
    }
    return serverLog().open(f.log, *at::parseLogLevel(f.logLevel), f.syslogSocket);
}

}  // namespace atd
