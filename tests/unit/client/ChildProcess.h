// A child process for tests (atd, fault_proxy.py): started with its stdout on a pipe, it is
// terminated and reaped when the object goes out of scope, even when the test fails.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace at::test {

class ChildProcess {
  public:
    explicit ChildProcess(std::vector<std::string> argv);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Reads stdout lines until one starts with `prefix`; returns the rest of that line.
    // Throws std::runtime_error on EOF or after `limit`.
    std::string waitForLine(const std::string& prefix,
                            std::chrono::milliseconds limit = std::chrono::seconds(60));

    // Waits for the child to exit by itself; returns its exit status (or -1).
    int wait();

    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int stdoutFd_ = -1;
    std::string pending_;
};

// Runs a command to completion; returns its exit status.
int runToCompletion(const std::vector<std::string>& argv);

// A fresh private directory under $TMPDIR, removed on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace at::test
