// One request in flight: libmicrohttpd's per-request context (con_cls), from the moment MHD
// has its request line (the URI log callback) to the completion callback, which frees it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "http/BodyDecoder.h"
#include "http/Request.h"
#include "http/Response.h"
#include "http/Router.h"

namespace atd::http {

struct Exchange {
    using Clock = std::chrono::steady_clock;

    Request req;  // path: the raw request target until the access handler sets the decoded one
    const Route* route = nullptr;
    Response res;
    std::optional<BodyDecoder> decoder;
    Clock::time_point start = Clock::now();
    // The access handler has seen it; false at the end means MHD refused the request itself
    // (header too large, malformed) and sent its own reply.
    bool begun = false;
    bool refused = false;  // res holds the error; the body is dropped
    bool queued = false;
    bool dispatched = false;           // the handler went to the HandlerPool
    std::atomic<bool> handled{false};  // the pool ran it; res is ready to queue
    size_t discarded = 0;
    size_t charged = 0;  // decoded body bytes counted in the server's buffered budget
};

}  // namespace atd::http
