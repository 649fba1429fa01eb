#include "service/AtdServer.h"

#include <httplib.h>

#include <iostream>
#include <mutex>
#include <sstream>

#include "demo/DemoFeed.h"
#include "service/ApiError.h"
#include "service/Housekeeper.h"
#include "service/Routes.h"
#include "service/ServiceContext.h"
#include "store/Store.h"

namespace atd {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Set when routing starts, read by the logger on the same worker thread.
thread_local SteadyClock::time_point tRequestStart;

std::mutex gLogMutex;

void logLine(const std::string& line) {
    std::lock_guard lock(gLogMutex);
    std::cerr << line << std::endl;
}

// The reply for an error httplib produced itself (unknown path, body too large, bad request
// line): the same JSON shape as ours.
std::string messageForBareStatus(const httplib::Request& req, int status) {
    switch (status) {
        case 404:
            return "no such endpoint: " + req.method + " " + req.path + " (see API.md)";
        case 405:
            return "method " + req.method + " is not allowed on " + req.path;
        case 413:
            // httplib caps form-urlencoded bodies at 8 KiB: the usual cause is `curl -d`.
            if (req.get_header_value("Content-Type")
                    .rfind("application/x-www-form-urlencoded", 0) == 0) {
                return "form-urlencoded body over 8 KiB: post events with Content-Type: "
                       "application/x-ndjson";
            }
            return "request body is over 256 MiB: split it into smaller batches";
        case 416:
            return "the Range header is malformed: use bytes=N- or bytes=N-M";
        case 400:
            return "malformed HTTP request";
        default:
            return "request failed with HTTP status " + std::to_string(status);
    }
}

void replyForException(const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
        std::rethrow_exception(ep);
    } catch (const ApiError& e) {
        replyError(res, e);
    } catch (const IngestError& e) {
        ApiError error(400, e.what());
        error.line = e.line();
        replyError(res, error);
    } catch (const std::exception& e) {
        replyError(res, 500,
                   "internal error on " + req.method + " " + req.path + ": " + e.what() +
                       " (see atd's log)");
        logLine("atd: " + req.method + " " + req.path + " failed: " + e.what());
    } catch (...) {
        replyError(res, 500, "internal error on " + req.method + " " + req.path);
    }
}

size_t replyBytes(const httplib::Response& res) {
    return res.body.empty() ? res.content_length_ : res.body.size();
}

}  // namespace

struct AtdServer::Impl {
    ServeOptions options;
    std::unique_ptr<Users> users;
    std::unique_ptr<Store> store;
    std::unique_ptr<TokenStore> tokens;
    std::unique_ptr<SessionRegistry> sessions;
    std::unique_ptr<ServiceContext> ctx;
    std::unique_ptr<httplib::Server> http;
    std::unique_ptr<Housekeeper> housekeeper;
    std::unique_ptr<DemoFeed> demoFeed;
    int boundPort = -1;

    void configureHttp();
};

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
        logLine("atd: restored " + std::to_string(restored) + " session(s)");
    }
    m.ctx = std::make_unique<ServiceContext>(
        ServiceContext{*m.store, *m.users, *m.tokens, *m.sessions});
    bool tls = !m.options.tlsCert.empty() || !m.options.tlsKey.empty();
    if (tls) {
        if (m.options.tlsCert.empty() || m.options.tlsKey.empty()) {
            throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
        }
        auto ssl = std::make_unique<httplib::SSLServer>(m.options.tlsCert.c_str(),
                                                        m.options.tlsKey.c_str());
        if (!ssl->is_valid()) {
            throw std::runtime_error("cannot load TLS certificate " + m.options.tlsCert.string() +
                                     " or key " + m.options.tlsKey.string() +
                                     ": check that both exist, are PEM and match");
        }
        m.http = std::move(ssl);
    } else {
        m.http = std::make_unique<httplib::Server>();
    }
    m.configureHttp();
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
    if (impl_->http) {
        impl_->http->stop();
    }
}

void AtdServer::Impl::configureHttp() {
    int threads = std::max(1, options.threads);
    http->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    http->set_payload_max_length(kMaxIngestBytes);
    // httplib writes a reply's headers and body separately; with Nagle on, the body waits for
    // the client's delayed ACK (~40 ms), so every small call (session create, delete) cost 40 ms.
    http->set_tcp_nodelay(true);
    http->set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
        tRequestStart = SteadyClock::now();
        // Ranges are ours to apply (DownloadRoute); left here, httplib 0.11.4 would slice
        // every reply, error bodies included, and send 206 for a JSON error.
        const_cast<httplib::Request&>(req).ranges.clear();
        return httplib::Server::HandlerResponse::Unhandled;
    });
    http->set_exception_handler(replyForException);
    http->set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
            const_cast<httplib::Request&>(req).ranges.clear();
            if (res.body.empty() && !res.content_provider_) {
                replyError(res, res.status, messageForBareStatus(req, res.status));
            }
            return httplib::Server::HandlerResponse::Handled;
        }));
    if (!options.quiet) {
        http->set_logger([](const httplib::Request& req, const httplib::Response& res) {
            auto ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - tRequestStart)
                          .count();
            std::ostringstream line;
            line.precision(1);
            line << std::fixed << req.method << " " << req.path << " " << res.status << " "
                 << replyBytes(res) << " B " << ms << " ms";
            logLine(line.str());
        });
    }
    addAuthRoutes(*http, *ctx);
    addEventRoutes(*http, *ctx);
    addOptionRoutes(*http, *ctx);
    addSessionRoutes(*http, *ctx);
    addDownloadRoute(*http, *ctx);
}

int AtdServer::bind() {
    auto& m = *impl_;
    if (m.options.port == 0) {
        m.boundPort = m.http->bind_to_any_port(m.options.host);
    } else {
        m.boundPort = m.http->bind_to_port(m.options.host, m.options.port) ? m.options.port : -1;
    }
    if (m.boundPort <= 0) {
        throw std::runtime_error("cannot listen on " + m.options.host + ":" +
                                 std::to_string(m.options.port) +
                                 ": the port is in use or the address is not local");
    }
    return m.boundPort;
}

bool AtdServer::run() {
    return impl_->http->listen_after_bind();
}

void AtdServer::stop() {
    impl_->http->stop();
}

bool AtdServer::running() const {
    return impl_->http->is_running();
}

std::string AtdServer::url() const {
    bool tls = !impl_->options.tlsCert.empty();
    return std::string(tls ? "https" : "http") + "://" + impl_->options.host + ":" +
           std::to_string(impl_->boundPort);
}

}  // namespace atd
