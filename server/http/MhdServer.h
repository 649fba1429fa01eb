// The HTTP(S) server under atd: libmicrohttpd's event loops on a thread pool, bounded by
// Limits before any route runs; handlers of streamed bodies run on a HandlerPool. Per request, once
// its header is in: route lookup (404/405 without reading the body), the beforeBody check
// (authentication), the Content-Encoding and Content-Length checks; then the body is decoded within
// the route's cap; then the handler.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "http/ConnectionPolicy.h"
#include "http/Router.h"

namespace atd::http {

struct Hooks {
    // Runs once the header is in, before any body byte is read; throws to refuse the request.
    std::function<void(const Request&, const Route&)> beforeBody;
    // Turns an exception from beforeBody or a handler into an error reply. Must not throw.
    std::function<void(const Request&, Response&, std::exception_ptr)> replyForException;
    // Builds an error reply of the HTTP layer (404, 405, 413, 415, 400). Must not throw.
    std::function<void(Response&, int status, const std::string& message)> replyError;
    // One finished request; `route` is null when none matched. Must not throw.
    struct Done {
        const Request& request;
        const Route* route;
        int status;
        uint64_t bodyBytes;
        std::chrono::steady_clock::duration elapsed;
        bool complete;  // false: the connection ended before the whole reply was sent
        const std::string& replyBody;  // in-memory reply body (empty for a provider)
        // libmicrohttpd answered the request itself (431 header too large, 413, 400 malformed)
        // before any route ran: `request` has the raw target and the peer, no method (MHD
        // 0.9.75 hands its URI log callback the target only) and no headers.
        bool refusedByMhd;
    };
    std::function<void(const Done&)> done;
    // A message of libmicrohttpd itself (already printable). Must not throw.
    std::function<void(const std::string&)> log;
};

struct Tls {
    std::string certPem;  // empty: plain HTTP
    std::string keyPem;
};

class MhdServer {
  public:
    MhdServer(const Router& router, Limits limits, Hooks hooks, Tls tls);
    ~MhdServer();
    MhdServer(const MhdServer&) = delete;
    MhdServer& operator=(const MhdServer&) = delete;

    // Listens on host:port (0: any free port) and starts serving; returns the port. Throws
    // std::runtime_error with one line for a person.
    int start(const std::string& host, int port);
    void stop();  // safe from any thread; idempotent

    unsigned openConnections() const;
    uint64_t headerCuts() const;

    struct Impl;  // the libmicrohttpd callbacks reach it

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace atd::http
