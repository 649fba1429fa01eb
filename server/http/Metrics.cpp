#include "http/Metrics.h"

#include <sstream>

namespace atd::http {

namespace {

// A label value: route patterns hold backslashes and quotes only in principle, escape anyway.
std::string labelValue(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

void Metrics::countRequest(const std::string& route, const std::string& method, int status,
                           uint64_t bodyBytesSent) {
    bytesSent_ += bodyBytesSent;
    std::lock_guard lock(mutex_);
    // Unmatched requests share one label: a client must not create series at will.
    const bool known = !route.empty();
    ++requests_[Key{known ? route : "unmatched", known ? method : "other", status}];
}

std::string Metrics::render(uint64_t liveSessions, uint64_t openConnections,
                            uint64_t headerCuts) const {
    std::ostringstream out;
    out << "# HELP atd_http_requests_total HTTP requests answered, by route pattern, method and "
           "status.\n# TYPE atd_http_requests_total counter\n";
    {
        std::lock_guard lock(mutex_);
        for (const auto& [key, n] : requests_) {
            out << "atd_http_requests_total{route=\"" << labelValue(std::get<0>(key))
                << "\",method=\"" << std::get<1>(key) << "\",status=\"" << std::get<2>(key)
                << "\"} " << n << "\n";
        }
    }
    out << "# HELP atd_http_response_body_bytes_total Reply body bytes sent (downloads "
           "included).\n# TYPE atd_http_response_body_bytes_total counter\n"
        << "atd_http_response_body_bytes_total " << bytesSent_.load() << "\n";
    out << "# HELP atd_events_ingested_total Events accepted by POST /v3/events.\n"
           "# TYPE atd_events_ingested_total counter\n"
        << "atd_events_ingested_total " << eventsIngested_.load() << "\n";
    out << "# HELP atd_http_header_timeouts_total Connections cut for not sending a whole "
           "request header in time.\n# TYPE atd_http_header_timeouts_total counter\n"
        << "atd_http_header_timeouts_total " << headerCuts << "\n";
    out << "# HELP atd_sessions Live download sessions.\n# TYPE atd_sessions gauge\n"
        << "atd_sessions " << liveSessions << "\n";
    out << "# HELP atd_http_connections Open HTTP connections.\n"
           "# TYPE atd_http_connections gauge\n"
        << "atd_http_connections " << openConnections << "\n";
    return out.str();
}

}  // namespace atd::http
