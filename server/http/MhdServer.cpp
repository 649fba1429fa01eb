#include "http/MhdServer.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "at/SafeText.h"
#include "http/BodyDecoder.h"
#include "http/ListenSocket.h"

namespace atd::http {

namespace {

using Clock = std::chrono::steady_clock;

// After a body is refused mid-way (too large inflated, corrupt), MHD 0.9.75 cannot answer
// until the body ends: up to this much more is read and dropped so the client still gets its
// 413/400; past it the connection is cut.
constexpr size_t kMaxDiscardBytes = size_t(4) << 20;
// Block size of a provided (download) reply: MHD calls the provider when the socket has room.
constexpr size_t kProviderBlockBytes = size_t(256) << 10;

bool isForm(const std::string& contentType) {
    return contentType.rfind("application/x-www-form-urlencoded", 0) == 0;
}

}  // namespace

// One request in flight: MHD's con_cls. Freed by the completion callback.
struct Exchange {
    Request req;
    const Route* route = nullptr;
    Response res;
    std::optional<BodyDecoder> decoder;
    Clock::time_point start = Clock::now();
    bool refused = false;  // res holds the error; the body is dropped
    bool queued = false;
    size_t discarded = 0;
    size_t charged = 0;  // decoded body bytes counted in Impl::buffered
};

struct MhdServer::Impl {
    const Router& router;
    Limits limits;
    Hooks hooks;
    Tls tls;
    HeaderDeadline deadline;
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
          deadline(limits.headerTimeout) {}

    void refuse(Exchange& ex, int status, const std::string& message) {
        ex.res = Response();
        hooks.replyError(ex.res, status, message);
        ex.refused = true;
    }
    void admit(MHD_Connection* connection, Exchange& ex);
    void runHandler(Exchange& ex);
    MHD_Result queue(MHD_Connection* connection, Exchange& ex);
};

namespace {

MHD_Result collect(void* cls, MHD_ValueKind kind, const char* key, size_t keySize,
                   const char* value, size_t valueSize) {
    auto& req = *static_cast<Request*>(cls);
    std::string k(key ? key : "", key ? keySize : 0);
    std::string v(value ? value : "", value ? valueSize : 0);
    if (kind == MHD_HEADER_KIND) {
        req.headers.emplace(std::move(k), std::move(v));
    } else {
        req.params.emplace(std::move(k), std::move(v));
    }
    return MHD_YES;
}

std::string peerAddress(MHD_Connection* connection) {
    const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr)
        return "";
    char text[INET6_ADDRSTRLEN] = "";
    const sockaddr* sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text,
                  sizeof text);
    }
    return text;
}

ssize_t provide(void* cls, uint64_t pos, char* buf, size_t max) {
    auto& provider = *static_cast<ContentProvider*>(cls);
    try {
        ssize_t n = provider(pos, buf, max);
        return n > 0 ? n : MHD_CONTENT_READER_END_WITH_ERROR;
    } catch (...) {
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

void freeProvider(void* cls) {
    delete static_cast<ContentProvider*>(cls);
}

}  // namespace

// The header is in: decide before reading a byte of the body.
void MhdServer::Impl::admit(MHD_Connection* connection, Exchange& ex) {
    auto& req = ex.req;
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, collect, &req);
    MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, collect, &req);
    req.remoteAddr = peerAddress(connection);
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

MHD_Result MhdServer::Impl::queue(MHD_Connection* connection, Exchange& ex) {
    auto& res = ex.res;
    if (res.status < 0)
        res.status = 200;
    MHD_Response* reply = nullptr;
    if (res.provider) {
        auto* provider = new ContentProvider(res.provider);
        reply = MHD_create_response_from_callback(res.contentLength, kProviderBlockBytes, provide,
                                                  provider, freeProvider);
        if (!reply)
            delete provider;
    } else {
        reply = MHD_create_response_from_buffer(res.body.size(), res.body.data(),
                                                MHD_RESPMEM_MUST_COPY);
    }
    if (!reply)
        return MHD_NO;
    for (const auto& [key, value] : res.headers) {
        MHD_add_response_header(reply, key.c_str(), value.c_str());
    }
    MHD_Result ok = MHD_queue_response(connection, unsigned(res.status), reply);
    MHD_destroy_response(reply);
    ex.queued = ok == MHD_YES;
    return ok;
}

namespace {

MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* data, size_t* size, void** conCls) {
    auto& m = *static_cast<MhdServer::Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*conCls);
    try {
        if (!ex) {
            ex = new Exchange;
            *conCls = ex;  // the completion callback frees it
            m.deadline.headerComplete(connection);
            ex->req.method = method ? method : "";
            ex->req.path = url ? url : "";
            m.admit(connection, *ex);
            if (ex->refused)
                return m.queue(connection, *ex);  // the body is never read
            return MHD_YES;
        }
        if (*size > 0) {
            if (ex->refused) {
                ex->discarded += *size;
                *size = 0;
                return ex->discarded > kMaxDiscardBytes ? MHD_NO : MHD_YES;
            }
            if (!m.charge(*ex, ex->decoder->decodedBytes() + *size) ||
                !ex->decoder->feed(data, *size) || !m.charge(*ex, ex->decoder->decodedBytes())) {
                *size = 0;
                if (m.buffered.load() > m.limits.maxBufferedBytes) {
                    m.refuse(*ex, 503,
                             "atd holds too many large request bodies at once (over " +
                                 std::to_string(m.limits.maxBufferedBytes >> 20) +
                                 " MiB): nothing was stored, send it again in a few seconds");
                    ex->res.set_header("Retry-After", "5");
                    ex->decoder.reset();
                    m.release(*ex);
                    return MHD_YES;
                }
                *size = 0;
                auto& d = *ex->decoder;
                if (d.failure() == BodyDecoder::Failure::TooLarge) {
                    m.refuse(*ex, 413,
                             "the body of " + ex->req.method + " " + ex->route->pattern +
                                 " is over the limit of " + std::to_string(d.maxDecodedBytes()) +
                                 " bytes (counted after inflating): split it into smaller "
                                 "batches");
                } else {
                    m.refuse(*ex, 400,
                             "the gzip body is corrupt (zlib: " + at::printable(d.why()) +
                                 "): nothing was stored, send it again");
                }
                ex->decoder.reset();
                m.release(*ex);
                // MHD 0.9.75 takes a reply only once the body has ended; until then the rest
                // is read and dropped, up to kMaxDiscardBytes.
                return MHD_YES;
            }
            *size = 0;
            return MHD_YES;
        }
        if (ex->queued)
            return MHD_YES;
        if (!ex->refused) {
            if (!ex->decoder->finish()) {
                m.refuse(*ex, 400,
                         "the gzip body is truncated or corrupt (zlib: " +
                             at::printable(ex->decoder->why()) +
                             "): nothing was stored, send it "
                             "again");
            } else {
                m.runHandler(*ex);
            }
        }
        return m.queue(connection, *ex);
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
            if (!ex->queued)
                status = ex->refused ? ex->res.status : 499;  // cut before a reply was queued
            m.hooks.done(Hooks::Done{ex->req, ex->route, status, ex->res.bodyBytes(),
                                     Clock::now() - ex->start,
                                     toe == MHD_REQUEST_TERMINATED_COMPLETED_OK, ex->res.body});
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
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
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
