#include "RawHttp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

namespace atdtest {

RawReply sendRaw(int port, const std::string& request, const std::string& sourceAddress) {
    RawReply reply;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return reply;
    timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, sourceAddress.c_str(), &source.sin_addr);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return reply;
    }
    size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += size_t(n);
    }
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
        all.append(buf, size_t(n));
    ::close(fd);
    if (all.rfind("HTTP/1.1 ", 0) == 0 && all.size() >= 12)
        reply.status = std::atoi(all.substr(9, 3).c_str());
    auto headersEnd = all.find("\r\n\r\n");
    if (headersEnd != std::string::npos) {
        reply.headers = all.substr(0, headersEnd);
        reply.body = all.substr(headersEnd + 4);
    }
    return reply;
}

std::string headerOf(const RawReply& reply, const std::string& name) {
    size_t pos = 0;
    while ((pos = reply.headers.find("\r\n", pos)) != std::string::npos) {
        pos += 2;
        if (::strncasecmp(reply.headers.c_str() + pos, name.c_str(), name.size()) == 0 &&
            reply.headers.compare(pos + name.size(), 1, ":") == 0) {
            auto end = reply.headers.find("\r\n", pos);
            auto value =
                reply.headers.substr(pos + name.size() + 1,
                                     end == std::string::npos ? end : end - pos - name.size() - 1);
            value.erase(0, value.find_first_not_of(' '));
            return value;
        }
    }
    return "";
}

}  // namespace atdtest
