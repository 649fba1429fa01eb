// Test support: the real atd binary run as a child process on 127.0.0.1:0, and atd commands
// run to completion. Built on tests/support, which stops and reaps every child it starts.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "ChildProcess.h"

namespace atdtest {

using at::test::ExitStatus;
using at::test::RunResult;
using at::test::TempDir;

// Runs `atd ARGS...` in workDir to completion; returns its exit status and everything it printed.
RunResult runAtd(const std::vector<std::string>& args, const std::filesystem::path& workDir);

class AtdProcess {
  public:
    // Starts `atd serve --data DATA --listen 127.0.0.1:0 EXTRA...` and waits for its
    // "atd listening on URL" line; stderr goes to DATA/../atd-N.log. Throws if it never listens.
    AtdProcess(const std::filesystem::path& dataDir, std::vector<std::string> extraArgs = {});

    int port() const { return port_; }
    const std::string& url() const { return url_; }
    std::string log() const;  // what atd wrote on stderr so far
    pid_t pid() const { return atd_.pid(); }

    // Sends `signal` and waits (up to `limit`) for the exit.
    ExitStatus stop(int signal, std::chrono::milliseconds limit = std::chrono::seconds(10));

  private:
    std::filesystem::path logFile_;  // declared before atd_, which is started writing to it
    at::test::ChildProcess atd_;     // SIGTERM, then SIGKILL after 5 s, when this goes
    int port_ = 0;
    std::string url_;
};

}  // namespace atdtest
