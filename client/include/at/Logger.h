// A daemon's log: one line per event to stderr, to syslog (RFC 3164 datagrams on /dev/log or
// another socket, which journald and rsyslog both read) or appended to a file, from the
// chosen level up. atfs and atd each keep one for the process (fs/Log.h, service/Log.h).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace at {

enum class LogLevel { Error, Warning, Info, Debug };

std::optional<LogLevel> parseLogLevel(std::string_view name);  // "error" .. "debug"
const char* logLevelName(LogLevel level);

class Logger {
  public:
    explicit Logger(std::string tag) : tag_(std::move(tag)) {}
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    // where: "stderr", "syslog" (to syslogSocket) or a file path, appended to. Empty on
    // success, else one line saying why; the log then stays as it was. An unreachable
    // syslog socket is not an error (journald may start later): lines are retried on it.
    std::string open(const std::string& where, LogLevel level,
                     const std::string& syslogSocket = "/dev/log");
    bool enabled(LogLevel level) const { return level <= level_; }
    void write(LogLevel level, std::string_view line);
    bool toStderr() const { return kind_ == Kind::Stderr; }

  private:
    enum class Kind { Stderr, Syslog, File };
    void sendSyslog(LogLevel level, std::string_view line);
    void closeSinks();

    const std::string tag_;
    std::mutex mu_;
    Kind kind_ = Kind::Stderr;
    LogLevel level_ = LogLevel::Info;
    std::string socketPath_;
    int fd_ = -1;  // the syslog socket or the file
};

}  // namespace at
