#include "http/MhdConnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace atd::http {

namespace {

// Block size of a provided (download) reply: MHD calls the provider when the socket has room.
constexpr size_t kProviderBlockBytes = size_t(256) << 10;

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

void collectValues(MHD_Connection* connection, Request& req) {
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, collect, &req);
    MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, collect, &req);
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

int queuedStatus(MHD_Connection* connection) {
    const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_HTTP_STATUS);
    return info ? int(info->http_status) : 0;
}

bool queueReply(MHD_Connection* connection, Response& res) {
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
        return false;
    for (const auto& [key, value] : res.headers) {
        MHD_add_response_header(reply, key.c_str(), value.c_str());
    }
    MHD_Result ok = MHD_queue_response(connection, unsigned(res.status), reply);
    MHD_destroy_response(reply);
    return ok == MHD_YES;
}

}  // namespace atd::http
