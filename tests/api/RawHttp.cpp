#include "RawHttp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace atdtest {

long rssKiB(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    }
    return -1;
}

RawConnection::RawConnection(int port, const std::string& source,
                             std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        return;
    timeval tv{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (!source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(uint16_t(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
    size_t done = 0;
    while (fd_ >= 0 && done < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return fd_ >= 0;
}

std::string RawConnection::readReply() {
    std::string data;
    char buf[65536];
    while (fd_ >= 0 && data.size() < (size_t(64) << 20)) {
        auto headEnd = data.find("\r\n\r\n");
        if (headEnd != std::string::npos) {
            auto head = data.substr(0, headEnd);
            std::istringstream lines(head);
            std::string line;
            size_t length = 0;
            while (std::getline(lines, line)) {
                if (::strncasecmp(line.c_str(), "content-length:", 15) == 0)
                    length = std::stoul(line.substr(15));
            }
            if (data.size() >= headEnd + 4 + length)
                return data.substr(0, headEnd + 4 + length);
        }
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.append(buf, size_t(n));
    }
    return data;
}

bool RawConnection::closedByPeer(std::chrono::milliseconds within) {
    if (fd_ < 0)
        return true;
    auto deadline = std::chrono::steady_clock::now() + within;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (::poll(&p, 1, int(std::max<long>(1, left.count()))) <= 0)
            continue;
        ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return true;
    }
    return false;
}

RawReply parseReply(const std::string& raw) {
    RawReply r;
    auto headEnd = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || headEnd == std::string::npos)
        return r;
    r.status = std::stoi(raw.substr(9, 3));
    r.headers = raw.substr(0, headEnd);
    r.body = raw.substr(headEnd + 4);
    return r;
}

RawReply rawRequest(int port, const std::string& request) {
    RawConnection c(port);
    if (!c.send(request))
        return {};
    return parseReply(c.readReply());
}

RawReply sendRaw(int port, const std::string& request, const std::string& sourceAddress) {
    RawConnection c(port, sourceAddress, std::chrono::seconds(20));
    if (!c.send(request))
        return {};
    return parseReply(c.readReply());
}

std::string headerOf(const RawReply& reply, const std::string& name) {
    std::istringstream lines(reply.headers);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos || colon != name.size() ||
            ::strncasecmp(line.c_str(), name.c_str(), name.size()) != 0)
            continue;
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        return value;
    }
    return "";
}

}  // namespace atdtest
