#include "http/ListenSocket.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "at/SafeText.h"

namespace atd::http {

std::string printableHostPort(const std::string& host, int port) {
    return at::printable(host) + ":" + std::to_string(port);
}

int listenSocket(const std::string& host, int port, int& boundPort, bool& ipv6) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
        throw std::runtime_error("cannot listen on " + printableHostPort(host, port) +
                                 ": the host name does not resolve");
    }
    int fd = -1;
    int lastErrno = 0;
    for (auto* ai = found; ai && fd < 0; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            lastErrno = errno;
            continue;
        }
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 512) != 0) {
            lastErrno = errno;
            ::close(fd);
            fd = -1;
            continue;
        }
        ipv6 = ai->ai_family == AF_INET6;
    }
    freeaddrinfo(found);
    if (fd < 0) {
        throw std::runtime_error("cannot listen on " + printableHostPort(host, port) + ": " +
                                 std::strerror(lastErrno) +
                                 " (the port is in use or the address is not local)");
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    boundPort = bound.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return fd;
}

}  // namespace atd::http
