// One HTTP reply as a route builds it: status, headers, and either a body in memory or a
// content provider that the server calls only when the socket can take more bytes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "http/Request.h"

namespace atd::http {

// Fills up to `max` bytes at `offset` of the reply body into `out`; returns how many (at least
// 1), or -1 to abort the reply (the connection is cut, never a short body passed as whole).
using ContentProvider = std::function<ssize_t(uint64_t offset, char* out, size_t max)>;

struct Response {
    int status = -1;  // -1: not set; the server sends 200
    Headers headers;
    std::string body;
    uint64_t contentLength = 0;  // with a provider
    ContentProvider provider;

    void set_header(const std::string& key, const std::string& value);
    void set_content(std::string content, const std::string& contentType);
    void set_content_provider(uint64_t length, const std::string& contentType,
                              ContentProvider contentProvider);
    // Bytes of the body this reply sends (in memory or provided).
    uint64_t bodyBytes() const { return provider ? contentLength : body.size(); }
};

}  // namespace atd::http
