#include "http/MhdServer.h"

#include <microhttpd.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "at/SafeText.h"
#include "http/Exchange.h"
#include "http/HandlerPool.h"
#include "http/ListenSocket.h"
#include "http/MhdConnection.h"

namespace atd::http {

namespace {

using Clock = std::chrono::steady_clock;

// After a body is refused mid-way (too large inflated, corrupt), MHD 0.9.75 cannot answer
// until the body ends: up to this much more is read and dropped so the client still gets its
// 413/400; past it the connection is cut.
constexpr size_t kMaxDiscardBytes = size_t(4) << 20;

bool isForm(const std::string& contentType) {
    return contentType.rfind("application/x-www-form-urlencoded", 0) == 0;
}

}  // namespace

struct MhdServer::Impl {
    const Router& router;
    Limits limits;
    Hooks hooks;
    Tls tls;
    HeaderDeadline deadline;
    HandlerPool pool;
    MHD_Daemon* daemon = nullptr;
    std::mutex stopMutex;
    std::atomic<unsigned> open{0};
    std::atomic<size_t> buffered{0};  // decoded body bytes of all requests in flight

    // Counts the body bytes `ex` holds now against the budget; false once over it.
    bool charge(Exchange& ex, size_t holding) {
        if (holding > ex.charged) {
            size_t more = holding - ex.charged;
            ex.charged = holding;
            return buffered.fetch_add(more) + more <= limits.maxBufferedBytes;
        }
        return true;
    }
    void release(Exchange& ex) {
        buffered -= ex.charged;
        ex.charged = 0;
    }

    Impl(const Router& r, Limits l, Hooks h, Tls t)
        : router(r),
          limits(l),
          hooks(std::move(h)),
          tls(std::move(t)),
          deadline(limits.headerTimeout),
          pool(limits.handlerThreads) {}

    void refuse(Exchange& ex, int status, const std::string& message) {
        ex.res = Response();
        hooks.replyError(ex.res, status, message);
        ex.refused = true;
    }
    void admit(MHD_Connection* connection, Exchange& ex);
    MHD_Result receive(Exchange& ex, const char* data, size_t* size);
    MHD_Result finish(MHD_Connection* connection, Exchange& ex);
    void runHandler(Exchange& ex);
    MHD_Result queue(MHD_Connection* connection, Exchange& ex) {
        ex.queued = queueReply(connection, ex.res);
        return ex.queued ? MHD_YES : MHD_NO;
    }
};

// The header is in: decide before reading a byte of the body.
void MhdServer::Impl::admit(MHD_Connection* connection, Exchange& ex) {
    auto& req = ex.req;
    collectValues(connection, req);
    auto match = router.find(req.method, req.path, req.matches);
    if (!match.route) {
        if (match.pathKnown) {
            refuse(ex, 405,
                   "method " + at::printable(req.method) + " is not allowed on " +
                       at::printable(req.path));
        } else {
            refuse(ex, 404,
                   "no such endpoint: " + at::printable(req.method) + " " +
                       at::printable(req.path) + " (see API.md)");
        }
        return;
    }
    ex.route = match.route;
    try {
        if (hooks.beforeBody)
            hooks.beforeBody(req, *ex.route);
    } catch (...) {
        hooks.replyForException(req, ex.res, std::current_exception());
        ex.refused = true;
        return;
    }
    auto encoding = req.get_header_value("Content-Encoding");
    if (!BodyDecoder::supports(encoding)) {
        refuse(ex, 415,
               "Content-Encoding " + at::printable(encoding) +
                   " is not supported: send the body plain or gzip");
        return;
    }
    const size_t cap = ex.route->bigBody() ? limits.maxStreamBodyBytes : limits.maxBodyBytes;
    auto declared = req.get_header_value("Content-Length");
    if (!declared.empty() && encoding.empty()) {  // a gzip body's cap counts inflated bytes
        char* end = nullptr;
        unsigned long long n = std::strtoull(declared.c_str(), &end, 10);
        if (end && *end == '\0' && n > cap) {
            refuse(ex, 413,
                   "the body of " + req.method + " " + ex.route->pattern + " is " +
                       std::to_string(n) + " bytes, over the limit of " + std::to_string(cap) +
                       " bytes");
            return;
        }
    }
    ex.decoder.emplace(encoding, cap);
}

void MhdServer::Impl::runHandler(Exchange& ex) {
    auto& req = ex.req;
    auto& decoder = *ex.decoder;
    try {
        if (ex.route->bigBody()) {
            ContentReader reader([&decoder](const ContentReader::Receiver& receiver) {
                return decoder.drain(receiver);
            });
            ex.route->readerHandler(req, ex.res, reader);
        } else {
            req.body = decoder.take();
            if (isForm(req.get_header_value("Content-Type")))
                addFormParams(req.body, req.params);
            ex.route->handler(req, ex.res);
        }
    } catch (...) {
        // Headers the route set before throwing stay (Content-Range of a 416).
        ex.res.body.clear();
        ex.res.provider = nullptr;
        hooks.replyForException(req, ex.res, std::current_exception());
    }
}

// A piece of the body: decoded within the route's cap and the server's budget; a refusal
// drops the rest.
MHD_Result MhdServer::Impl::receive(Exchange& ex, const char* data, size_t* size) {
    const size_t n = *size;
    *size = 0;
    if (ex.refused) {
        ex.discarded += n;
        return ex.discarded > kMaxDiscardBytes ? MHD_NO : MHD_YES;
    }
    auto& d = *ex.decoder;
    if (charge(ex, d.decodedBytes() + n) && d.feed(data, n) && charge(ex, d.decodedBytes()))
        return MHD_YES;
    if (buffered.load() > limits.maxBufferedBytes) {
        refuse(ex, 503,
               "atd holds too many large request bodies at once (over " +
                   std::to_string(limits.maxBufferedBytes >> 20) +
                   " MiB): nothing was stored, send it again in a few seconds");
        ex.res.set_header("Retry-After", "5");
    } else if (d.failure() == BodyDecoder::Failure::TooLarge) {
        refuse(ex, 413,
               "the body of " + ex.req.method + " " + ex.route->pattern + " is over the limit of " +
                   std::to_string(d.maxDecodedBytes()) +
                   " bytes (counted after inflating): split it into smaller batches");
    } else {
        refuse(ex, 400,
               "the gzip body is corrupt (zlib: " + at::printable(d.why()) +
                   "): nothing was stored, send it again");
    }
    ex.decoder.reset();
    release(ex);
    // MHD 0.9.75 takes a reply only once the body has ended; until then the rest is read and
    // dropped, up to kMaxDiscardBytes.
    return MHD_YES;
}

// The body has ended: run the handler and queue its reply. A route with a streamed body (an
// ingest commits up to 256 MiB) runs on the HandlerPool with the connection suspended, so this
// event-loop thread keeps serving its other connections; MHD calls back once it is resumed.
MHD_Result MhdServer::Impl::finish(MHD_Connection* connection, Exchange& ex) {
    if (ex.dispatched)
        return ex.handled ? queue(connection, ex) : MHD_YES;
    if (!ex.refused && !ex.decoder->finish()) {
        refuse(ex, 400,
               "the gzip body is truncated or corrupt (zlib: " + at::printable(ex.decoder->why()) +
                   "): nothing was stored, send it again");
    }
    if (ex.refused)
        return queue(connection, ex);
    if (!ex.route->bigBody()) {
        runHandler(ex);
        return queue(connection, ex);
    }
    ex.dispatched = true;
    MHD_suspend_connection(connection);
    auto job = [this, &ex, connection] {
        runHandler(ex);
        ex.handled = true;
        MHD_resume_connection(connection);
    };
    if (!pool.post(job))
        job();  // the server is stopping: run it here, the connection resumes all the same
    return MHD_YES;
}

namespace {

// MHD has the request line: the exchange starts here, so a request MHD refuses itself (header
// too large, malformed) still reaches onCompleted with its target, peer and start time.
void* onUriLog(void* /*cls*/, const char* uri, MHD_Connection* connection) {
    try {
        auto* ex = new Exchange;
        ex->req.path = uri ? uri : "";
        ex->req.remoteAddr = peerAddress(connection);
        return ex;
    } catch (...) {
        return nullptr;  // onRequest makes one
    }
}

MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* data, size_t* size, void** conCls) {
    auto& m = *static_cast<MhdServer::Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*conCls);
    try {
        if (!ex) {
            ex = new Exchange;
            *conCls = ex;  // the completion callback frees it
            ex->req.remoteAddr = peerAddress(connection);
        }
        if (!ex->begun) {
            ex->begun = true;
            m.deadline.headerComplete(connection);
            ex->req.method = method ? method : "";
            ex->req.path = url ? url : "";
            m.admit(connection, *ex);
            if (ex->refused)
                return m.queue(connection, *ex);  // the body is never read
            return MHD_YES;
        }
        if (*size > 0)
            return m.receive(*ex, data, size);
        if (ex->queued)
            return MHD_YES;
        return m.finish(connection, *ex);
    } catch (...) {
        return MHD_NO;  // an exception must not cross into C: the connection is cut
    }
}

void onCompleted(void* cls, MHD_Connection* connection, void** conCls,
                 MHD_RequestTerminationCode toe) {
    auto& m = *static_cast<MhdServer::Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*conCls);
    *conCls = nullptr;
    m.deadline.replyDone(connection);
    if (!ex)
        return;
    try {
        if (m.hooks.done) {
            int status = ex->res.status < 0 ? 200 : ex->res.status;
            if (!ex->begun) {
                status = queuedStatus(connection);  // MHD's own refusal
                if (status == 0)
                    status = 499;  // the client left before its header was complete
            } else if (!ex->queued) {
                status = ex->refused ? ex->res.status : 499;  // cut before a reply was queued
            }
            m.hooks.done(Hooks::Done{
                ex->req, ex->route, status, ex->res.bodyBytes(), Clock::now() - ex->start,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK, ex->res.body, !ex->begun});
        }
    } catch (...) {
    }
    m.release(*ex);
    delete ex;
}

void onConnection(void* cls, MHD_Connection* connection, void** /*socketContext*/,
                  MHD_ConnectionNotificationCode toe) {
    auto& m = *static_cast<MhdServer::Impl*>(cls);
    try {
        if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
            const auto* info =
                MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
            ++m.open;
            if (info)
                m.deadline.opened(connection, info->connect_fd);
        } else {
            --m.open;
            m.deadline.closed(connection);
        }
    } catch (...) {
    }
}

void onMhdLog(void* cls, const char* fmt, va_list ap) {
    auto& m = *static_cast<MhdServer::Impl*>(cls);
    char text[512];
    std::vsnprintf(text, sizeof text, fmt, ap);
    try {
        if (m.hooks.log) {
            std::string_view line(text);
            while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
                line.remove_suffix(1);
            m.hooks.log("atd: http: " + at::printable(line, 300));
        }
    } catch (...) {
    }
}

}  // namespace

MhdServer::MhdServer(const Router& router, Limits limits, Hooks hooks, Tls tls)
    : impl_(std::make_unique<Impl>(router, limits, std::move(hooks), std::move(tls))) {
    if (!impl_->tls.certPem.empty() && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        throw std::runtime_error(
            "this libmicrohttpd was built without TLS: serve plain HTTP on loopback, or install "
            "a libmicrohttpd built with GnuTLS");
    }
}

MhdServer::~MhdServer() {
    stop();
}

int MhdServer::start(const std::string& host, int port) {
    auto& m = *impl_;
    int boundPort = 0;
    bool ipv6 = false;
    int fd = listenSocket(host, port, boundPort, ipv6);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    const bool tls = !m.tls.certPem.empty();
    if (tls)
        flags |= MHD_USE_TLS;
    // The logger first: MHD reports options that come before it on its own stderr logger.
    std::vector<MHD_OptionItem> options = {
        {MHD_OPTION_EXTERNAL_LOGGER, intptr_t(&onMhdLog), &m},
        {MHD_OPTION_LISTEN_SOCKET, fd, nullptr},
        {MHD_OPTION_THREAD_POOL_SIZE, intptr_t(std::max(1u, m.limits.threads)), nullptr},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, intptr_t(m.limits.connectionMemoryBytes), nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, intptr_t(m.limits.maxConnections), nullptr},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, intptr_t(m.limits.maxConnectionsPerIp), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, intptr_t(m.limits.idleTimeout.count()), nullptr},
        {MHD_OPTION_URI_LOG_CALLBACK, intptr_t(&onUriLog), &m},
        {MHD_OPTION_NOTIFY_COMPLETED, intptr_t(&onCompleted), &m},
        {MHD_OPTION_NOTIFY_CONNECTION, intptr_t(&onConnection), &m},
    };
    if (tls) {
        options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, m.tls.keyPem.data()});
        options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, m.tls.certPem.data()});
    }
    options.push_back({MHD_OPTION_END, 0, nullptr});
    m.daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &onRequest, &m, MHD_OPTION_ARRAY,
                                options.data(), MHD_OPTION_END);
    if (!m.daemon) {
        ::close(fd);
        if (tls) {
            throw std::runtime_error(
                "cannot start HTTPS on " + printableHostPort(host, port) +
                ": the TLS certificate or key was refused: check that both are PEM and match");
        }
        throw std::runtime_error("cannot start the HTTP server on " +
                                 printableHostPort(host, port) + " (see the lines above)");
    }
    return boundPort;
}

void MhdServer::stop() {
    std::lock_guard lock(impl_->stopMutex);
    if (impl_->daemon) {
        // Every handler on the pool resumes its connection first: MHD 0.9.75 aborts the
        // process when stopped with a connection still suspended.
        impl_->pool.stop();
        MHD_stop_daemon(impl_->daemon);  // closes the listening socket and every connection
        impl_->daemon = nullptr;
    }
}

unsigned MhdServer::openConnections() const {
    return impl_->open.load();
}

uint64_t MhdServer::headerCuts() const {
    return impl_->deadline.cutCount();
}

}  // namespace atd::http
