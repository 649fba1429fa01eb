#include "at/Logger.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

// A syslog daemon of our own: a datagram socket in a temp dir, as /dev/log is.
class FakeSyslog {
  public:
    FakeSyslog() {
        path_ = (std::filesystem::temp_directory_path() /
                 ("atlog-" + std::to_string(::getpid()) + ".sock"))
                    .string();
        ::unlink(path_.c_str());
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path_.data(), path_.size());
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        timeval tv{2, 0};  // every wait bounded
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~FakeSyslog() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }
    std::string next() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, size_t(n)) : "";
    }
    bool quiet() {
        char buf[16];
        return ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) < 0;
    }

  private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace

TEST(Logger, SyslogDatagramsCarryFacilityDaemonSeverityAndTag) {
    FakeSyslog syslog;
    at::Logger log("atfs");
    ASSERT_EQ(log.open("syslog", at::LogLevel::Debug, syslog.path()), "");
    const std::string tag = " atfs[" + std::to_string(::getpid()) + "]: ";
    log.write(at::LogLevel::Warning, "read failed on x");
    std::string m = syslog.next();
    EXPECT_TRUE(m.starts_with("<28>")) << m;  // daemon (3) * 8 + warning (4)
    EXPECT_NE(m.find(tag + "read failed on x"), std::string::npos) << m;
    log.write(at::LogLevel::Debug, "created session s1");
    EXPECT_TRUE(syslog.next().starts_with("<31>"));
    log.write(at::LogLevel::Error, "e");
    EXPECT_TRUE(syslog.next().starts_with("<27>"));
    log.write(at::LogLevel::Info, "i");
    EXPECT_TRUE(syslog.next().starts_with("<30>"));
}

TEST(Logger, LinesBelowTheLevelAreDropped) {
    FakeSyslog syslog;
    at::Logger log("atd");
    ASSERT_EQ(log.open("syslog", at::LogLevel::Warning, syslog.path()), "");
    log.write(at::LogLevel::Debug, "not me");
    log.write(at::LogLevel::Info, "nor me");
    EXPECT_TRUE(syslog.quiet());
    log.write(at::LogLevel::Warning, "me");
    EXPECT_NE(syslog.next().find("atd["), std::string::npos);
}

TEST(Logger, SyslogStartedLaterIsReached) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("atlog-" + std::to_string(::getpid()) + ".sock"))
            .string();
    ::unlink(path.c_str());
    at::Logger log("atfs");
    ASSERT_EQ(log.open("syslog", at::LogLevel::Info, path), "");  // nobody listens yet
    log.write(at::LogLevel::Warning, "lost");
    FakeSyslog syslog;
    log.write(at::LogLevel::Warning, "found");
    EXPECT_NE(syslog.next().find("found"), std::string::npos);
}

TEST(Logger, FileGetsTimestampLevelAndTag) {
    const auto path =
        std::filesystem::temp_directory_path() / ("atlog-" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path);
    {
        at::Logger log("atfs");
        ASSERT_EQ(log.open(path.string(), at::LogLevel::Info), "");
        log.write(at::LogLevel::Warning, "one");
        log.write(at::LogLevel::Debug, "hidden");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("] warning: one\n"), std::string::npos) << text.str();
    EXPECT_EQ(text.str().find("hidden"), std::string::npos);
    std::filesystem::remove(path);
}

TEST(Logger, UnwritableFileIsOneLine) {
    at::Logger log("atfs");
    const std::string err = log.open("/nonexistent-dir/x.log", at::LogLevel::Info);
    EXPECT_NE(err.find("cannot open log file /nonexistent-dir/x.log"), std::string::npos) << err;
    EXPECT_TRUE(log.toStderr());
}

TEST(Logger, LevelNames) {
    EXPECT_EQ(at::parseLogLevel("debug"), at::LogLevel::Debug);
    EXPECT_EQ(at::parseLogLevel("warning"), at::LogLevel::Warning);
    EXPECT_FALSE(at::parseLogLevel("warn"));
}
