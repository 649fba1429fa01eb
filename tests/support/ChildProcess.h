// Test fixtures for child processes (atd, fault_proxy.py, openssl) and temporary folders.
// Each cleans up in its destructor, so a failing test leaves no process and no folder behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace at::test {

struct ExitStatus {
    int code = -1;   // exit code, or -1 when killed by a signal (or never run)
    int signal = 0;  // the signal that killed it
    std::chrono::milliseconds took{0};
};

// A running child with its stdout on a pipe, for servers that print the address they listen
// on. argv[0] is looked up on PATH; stderr goes to `stderrFile`, or to the test's when empty.
class ChildProcess {
  public:
    explicit ChildProcess(const std::vector<std::string>& argv,
                          const std::filesystem::path& stderrFile = {});
    ~ChildProcess();  // stop(SIGTERM, 5 s) unless already stopped
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Reads stdout lines until one starts with `prefix`; returns the rest of that line.
    // Throws std::runtime_error when stdout closes first or after `limit`.
    std::string waitForLine(const std::string& prefix,
                            std::chrono::milliseconds limit = std::chrono::seconds(60));

    // Sends `signal` and waits up to `limit` for the exit, then SIGKILL; always reaped.
    ExitStatus stop(int signal, std::chrono::milliseconds limit = std::chrono::seconds(10));

    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int stdoutFd_ = -1;
    std::string pending_;  // stdout read but not yet split into lines
};

// Runs argv to completion, its output shared with the test's; returns its exit code, or -1.
int runToCompletion(const std::vector<std::string>& argv);

struct RunResult {
    ExitStatus status;
    std::string out;
    std::string err;
};

// Runs argv to completion in workDir (so relative paths in argv are relative to it, as for a
// user in that folder) and returns everything it printed; the output files stay in workDir.
RunResult runCapturingOutput(const std::vector<std::string>& argv,
                             const std::filesystem::path& workDir);

// A fresh private folder under the temporary directory, removed with all it holds.
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

// The whole content of `file` ("" when it cannot be read).
std::string readFile(const std::filesystem::path& file);

}  // namespace at::test
