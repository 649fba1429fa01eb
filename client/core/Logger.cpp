#include "at/Logger.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace at {

namespace {

constexpr int kFacilityDaemon = 3 << 3;

int syslogSeverity(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return 3;
        case LogLevel::Warning:
            return 4;
        case LogLevel::Info:
            return 6;
        case LogLevel::Debug:
            return 7;
    }
    return 4;
}

int connectDatagram(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        return -1;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

std::optional<LogLevel> parseLogLevel(std::string_view name) {
    for (LogLevel l : {LogLevel::Error, LogLevel::Warning, LogLevel::Info, LogLevel::Debug})
        if (name == logLevelName(l))
            return l;
    return std::nullopt;
}

const char* logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "warning";
}

Logger::~Logger() {
    closeSinks();
}

void Logger::closeSinks() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

std::string Logger::open(const std::string& where, LogLevel level,
                         const std::string& syslogSocket) {
    std::lock_guard lk(mu_);
    if (where == "stderr") {
        closeSinks();
        kind_ = Kind::Stderr;
    } else if (where == "syslog") {
        closeSinks();
        kind_ = Kind::Syslog;
        socketPath_ = syslogSocket;
        fd_ = connectDatagram(socketPath_);
    } else {
        const int fd = ::open(where.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0)
            return "cannot open log file " + where + ": " + std::strerror(errno);
        closeSinks();
        kind_ = Kind::File;
        fd_ = fd;
    }
    level_ = level;
    return "";
}

void Logger::write(LogLevel level, std::string_view line) {
    if (!enabled(level))
        return;
    std::lock_guard lk(mu_);
    switch (kind_) {
        case Kind::Stderr:
            // One fprintf per line so concurrent threads do not interleave within a line.
            std::fprintf(stderr, "%s: %.*s\n", tag_.c_str(), int(line.size()), line.data());
            return;
        case Kind::Syslog:
            sendSyslog(level, line);
            return;
        case Kind::File: {
            char stamp[32];
            const std::time_t now = std::time(nullptr);
            std::tm tm{};
            ::gmtime_r(&now, &tm);
            std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
            std::string out = std::string(stamp) + " " + tag_ + "[" + std::to_string(::getpid()) +
                              "] " + logLevelName(level) + ": ";
            out.append(line);
            out += '\n';
            [[maybe_unused]] ssize_t w = ::write(fd_, out.data(), out.size());
            return;
        }
    }
}

void Logger::sendSyslog(LogLevel level, std::string_view line) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    std::string out = "<" + std::to_string(kFacilityDaemon | syslogSeverity(level)) + ">" + stamp +
                      " " + tag_ + "[" + std::to_string(::getpid()) + "]: ";
    out.append(line);
    // Reconnect once: the reader (journald, rsyslog) may have restarted or started late.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (fd_ < 0)
            fd_ = connectDatagram(socketPath_);
        if (fd_ >= 0 && ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL) >= 0)
            return;
        closeSinks();
    }
}

}  // namespace at
