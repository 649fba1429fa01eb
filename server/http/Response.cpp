#include "http/Response.h"

namespace atd::http {

void Response::set_header(const std::string& key, const std::string& value) {
    headers.erase(key);
    headers.emplace(key, value);
}

void Response::set_content(std::string content, const std::string& contentType) {
    body = std::move(content);
    provider = nullptr;
    contentLength = 0;
    set_header("Content-Type", contentType);
}

void Response::set_content_provider(uint64_t length, const std::string& contentType,
                                    ContentProvider contentProvider) {
    body.clear();
    contentLength = length;
    provider = std::move(contentProvider);
    set_header("Content-Type", contentType);
}

}  // namespace atd::http
