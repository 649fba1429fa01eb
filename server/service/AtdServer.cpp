#include "service/AtdServer.h"

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "at/SafeText.h"
#include "demo/DemoFeed.h"
#include "http/Metrics.h"
#include "http/MhdServer.h"
#include "http/Router.h"
#include "service/ApiError.h"
#include "service/Housekeeper.h"
#include "service/Log.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"
#include "service/ServiceContext.h"
#include "store/Store.h"

namespace atd {

namespace {

void logLine(const std::string& line) {
    logInfo(line);
}

std::string methodAndPath(const http::Request& req) {
    return at::printable(req.method, 16) + " " + at::printable(req.path);
}

// Must not throw: it is the last word on any request.
void replyForException(const http::Request& req, http::Response& res, std::exception_ptr ep) {
    try {
        try {
            std::rethrow_exception(ep);
        } catch (const ApiError& e) {
            replyError(res, e);
        } catch (const IngestError& e) {
            ApiError error(400, e.what());
            error.line = e.line();
            replyError(res, error);
        } catch (const std::exception& e) {
            replyError(
                res, 500,
                "internal error on " + methodAndPath(req) + ": " + e.what() + " (see atd's log)");
            logWarning(methodAndPath(req) + " failed: " + at::printable(e.what(), 400));
        } catch (...) {
            replyError(res, 500, "internal error on " + methodAndPath(req));
        }
    } catch (...) {
        res.status = 500;
        res.set_content("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}\n",
                        "application/json");
    }
}

std::string readPem(const std::filesystem::path& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty()) {
        throw std::runtime_error("cannot read TLS " + std::string(what) + " " + path.string() +
                                 ": check that it exists and is readable");
    }
    return text.str();
}

// The accepted count of a 200 reply to POST /v3/events, for the ingest counter.
uint64_t acceptedIn(const std::string& replyBody) {
    auto body = nlohmann::json::parse(replyBody, nullptr, /*allow_exceptions=*/false);
    if (body.is_object() && body.contains("accepted") && body["accepted"].is_number_unsigned())
        return body["accepted"].get<uint64_t>();
    return 0;
}

}  // namespace

struct AtdServer::Impl {
    ServeOptions options;
    std::unique_ptr<Users> users;
    std::unique_ptr<Store> store;
    std::unique_ptr<TokenStore> tokens;
    std::unique_ptr<SessionRegistry> sessions;
    std::unique_ptr<ServiceContext> ctx;
    http::Router router;
    http::Router metricsRouter;
    http::Metrics metrics;
    http::Tls tls;
    std::unique_ptr<http::MhdServer> http;
    std::unique_ptr<http::MhdServer> metricsHttp;
    std::unique_ptr<Housekeeper> housekeeper;
    std::unique_ptr<DemoFeed> demoFeed;
    int boundPort = -1;

    std::mutex runMutex;
    std::condition_variable runCv;
    bool started = false;
    bool stopRequested = false;

    http::Limits limits() const;
    http::Hooks hooks();
    void addMetricsRoute(http::Router& r);
};

http::Limits AtdServer::Impl::limits() const {
    http::Limits l;
    l.maxBodyBytes = options.maxBodyBytes;
    l.maxStreamBodyBytes = options.maxIngestBytes;
    l.connectionMemoryBytes = options.maxHeaderBytes;
    l.maxBufferedBytes = options.maxBufferedBytes;
    l.maxConnections = unsigned(std::max(1, options.maxConnections));
    l.maxConnectionsPerIp = unsigned(std::max(0, options.maxConnectionsPerIp));
    l.idleTimeout = options.idleTimeout;
    l.headerTimeout = options.headerTimeout;
    l.threads = unsigned(std::max(1, options.threads));
    return l;
}

http::Hooks AtdServer::Impl::hooks() {
    http::Hooks h;
    // Who is calling is known from the header alone: a /v3 request without a valid token is
    // answered 401 before a byte of its body is read (the route checks again, cheaply).
    h.beforeBody = [this](const http::Request& req, const http::Route&) {
        if (req.path.rfind("/v3/", 0) == 0)
            authenticate(*ctx, req);
    };
    h.replyForException = replyForException;
    h.replyError = [](http::Response& res, int status, const std::string& message) {
        replyError(res, status, message);
    };
    const bool quiet = options.quiet;
    h.done = [this, quiet](const http::Hooks::Done& d) {
        const std::string route = d.route ? d.route->pattern : "";
        metrics.countRequest(route, d.request.method, d.status, d.complete ? d.bodyBytes : 0);
        if (d.status == 200 && route == "/v3/events" && d.request.method == "POST")
            metrics.countEventsIngested(acceptedIn(d.replyBody));
        if (quiet)
            return;
        auto ms = std::chrono::duration<double, std::milli>(d.elapsed).count();
        std::ostringstream line;
        line.precision(1);
        if (d.refusedByMhd) {
            // Its reply is libmicrohttpd's own (see server/API.md): no method, no body of ours.
            line << std::fixed << "? " << at::printable(d.request.path) << " " << d.status << " "
                 << ms << " ms from " << at::printable(d.request.remoteAddr, 64)
                 << (d.status == 499 ? " (connection ended before the header was complete)"
                                     : " (refused by libmicrohttpd before any route ran)");
        } else {
            line << std::fixed << methodAndPath(d.request) << " " << d.status << " " << d.bodyBytes
                 << " B " << ms << " ms" << (d.complete ? "" : " (connection ended early)");
        }
        logLine(line.str());
    };
    if (!quiet)
        h.log = logLine;
    return h;
}

void AtdServer::Impl::addMetricsRoute(http::Router& r) {
    r.Get("/metrics", [this](const http::Request&, http::Response& res) {
        uint64_t open = http ? http->openConnections() : 0;
        uint64_t cuts = http ? http->headerCuts() : 0;
        res.set_content(metrics.render(sessions->size(), open, cuts),
                        "text/plain; version=0.0.4; charset=utf-8");
    });
}

AtdServer::AtdServer(ServeOptions options) : impl_(std::make_unique<Impl>()) {
    auto& m = *impl_;
    m.options = std::move(options);
    if (m.options.usersFile.empty()) {
        m.options.usersFile = m.options.dataDir / "users.json";
    }
    m.users = std::make_unique<Users>(Users::load(m.options.usersFile));
    std::filesystem::create_directories(m.options.dataDir);
    m.store = std::make_unique<Store>(m.options.dataDir);
    m.tokens = std::make_unique<TokenStore>(m.options.tokenTtl);
    m.sessions = std::make_unique<SessionRegistry>(*m.store, m.options.dataDir / "sessions");
    auto restored = m.sessions->restore(std::cerr);
    // Only now, with every restored snapshot retained, may unreferenced files go.
    m.store->collectGarbage();
    m.store->applyRetention();
    if (!m.options.quiet && restored > 0) {
        logLine("restored " + std::to_string(restored) + " session(s)");
    }
    m.ctx = std::make_unique<ServiceContext>(
        ServiceContext{*m.store, *m.users, *m.tokens, *m.sessions});
    bool tls = !m.options.tlsCert.empty() || !m.options.tlsKey.empty();
    if (tls) {
        if (m.options.tlsCert.empty() || m.options.tlsKey.empty()) {
            throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
        }
        m.tls.certPem = readPem(m.options.tlsCert, "certificate");
        m.tls.keyPem = readPem(m.options.tlsKey, "key");
    }
    addAuthRoutes(m.router, *m.ctx);
    addEventRoutes(m.router, *m.ctx);
    addOptionRoutes(m.router, *m.ctx);
    addSessionRoutes(m.router, *m.ctx);
    addDownloadRoute(m.router, *m.ctx);
    addInfoRoute(m.router, !m.options.tlsCert.empty());
    m.addMetricsRoute(m.router);
    m.addMetricsRoute(m.metricsRouter);
    m.http = std::make_unique<http::MhdServer>(m.router, m.limits(), m.hooks(), m.tls);
    m.housekeeper = std::make_unique<Housekeeper>(
        *m.store, *m.sessions, m.options.sessionIdleTimeout, std::cerr, m.options.quiet);
    if (m.options.demoLiveRate > 0) {
        const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        // Seeded by the clock: a restarted feed writes new event ids, not the same ones again.
        m.demoFeed = std::make_unique<DemoFeed>(*m.store, demoDomains(m.options.dataDir),
                                                m.options.demoLiveRate, uint64_t(now), now);
        m.demoFeed->start(std::cerr);
    }
}

AtdServer::~AtdServer() {
    impl_->demoFeed.reset();
    stop();
    if (impl_->metricsHttp)
        impl_->metricsHttp->stop();
    impl_->http->stop();
}

int AtdServer::bind() {
    auto& m = *impl_;
    m.boundPort = m.http->start(m.options.host, m.options.port);
    if (m.options.metricsPort >= 0) {
        auto metricsLimits = m.limits();
        metricsLimits.threads = 1;
        metricsLimits.handlerThreads = 1;
        m.metricsHttp = std::make_unique<http::MhdServer>(m.metricsRouter, metricsLimits, m.hooks(),
                                                          http::Tls{});
        m.metricsHttp->start(m.options.metricsHost, m.options.metricsPort);
    }
    return m.boundPort;
}

bool AtdServer::run() {
    auto& m = *impl_;
    std::unique_lock lock(m.runMutex);
    m.started = true;
    m.runCv.notify_all();
    m.runCv.wait(lock, [&] { return m.stopRequested; });
    lock.unlock();
    if (m.metricsHttp)
        m.metricsHttp->stop();
    m.http->stop();
    return true;
}

void AtdServer::stop() {
    std::lock_guard lock(impl_->runMutex);
    impl_->stopRequested = true;
    impl_->runCv.notify_all();
}

bool AtdServer::running() const {
    std::lock_guard lock(impl_->runMutex);
    return impl_->started && !impl_->stopRequested;
}

std::string AtdServer::url() const {
    bool tls = !impl_->options.tlsCert.empty();
    return std::string(tls ? "https" : "http") + "://" + impl_->options.host + ":" +
           std::to_string(impl_->boundPort);
}

}  // namespace atd
