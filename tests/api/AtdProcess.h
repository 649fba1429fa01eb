// Test support: a temporary folder, and the real atd binary run as a child process on
// 127.0.0.1:0. Both clean up in their destructors, so a failing test leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atdtest {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

struct ExitStatus {
    int code = -1;   // exit code, or -1 when killed by a signal
    int signal = 0;  // the signal that killed it
    std::chrono::milliseconds took{0};
};

// Runs `atd ARGS...` in workDir and returns its exit status and everything it printed (no server wait).
struct RunResult {
    ExitStatus status;
    std::string out;
    std::string err;
};
RunResult runAtd(const std::vector<std::string>& args, const std::filesystem::path& workDir);

class AtdProcess {
  public:
    // Starts `atd serve --data DATA --listen 127.0.0.1:0 EXTRA...` and waits for its
    // "atd listening on URL" line; stderr goes to DATA/../atd-N.log. Throws if it never listens.
    AtdProcess(const std::filesystem::path& dataDir, std::vector<std::string> extraArgs = {});
    ~AtdProcess();  // SIGTERM, then SIGKILL after 5 s; always reaped
    AtdProcess(const AtdProcess&) = delete;
    AtdProcess& operator=(const AtdProcess&) = delete;

    int port() const { return port_; }
    const std::string& url() const { return url_; }
    pid_t pid() const { return pid_; }
    std::string log() const;  // what atd wrote on stderr so far

    // Sends `signal` and waits (up to `limit`) for the exit.
    ExitStatus stop(int signal, std::chrono::milliseconds limit = std::chrono::seconds(10));

  private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::string url_;
    std::filesystem::path logFile_;
};

}  // namespace atdtest
