#include "AtdProcess.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace atdtest {

namespace fs = std::filesystem;

namespace {

fs::path newLogFile(const fs::path& dataDir) {
    static std::atomic<int> started{0};
    return dataDir.parent_path() /
           ("atd-" + std::to_string(::getpid()) + "-" + std::to_string(started++) + ".log");
}

std::vector<std::string> serveArgs(const fs::path& dataDir, std::vector<std::string> extraArgs) {
    std::vector<std::string> args{ATD_BIN,          "serve",    "--data",
                                  dataDir.string(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    return args;
}

}  // namespace

RunResult runAtd(const std::vector<std::string>& args, const fs::path& workDir) {
    std::vector<std::string> argv{ATD_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return at::test::runCapturingOutput(argv, workDir);
}

AtdProcess::AtdProcess(const fs::path& dataDir, std::vector<std::string> extraArgs)
    : logFile_(newLogFile(dataDir)), atd_(serveArgs(dataDir, std::move(extraArgs)), logFile_) {
    try {
        url_ = atd_.waitForLine("atd listening on ", std::chrono::seconds(20));
        const auto colon = url_.rfind(':');
        if (colon == std::string::npos)
            throw std::runtime_error("no port in '" + url_ + "'");
        port_ = std::stoi(url_.substr(colon + 1));
    } catch (const std::exception& e) {
        atd_.stop(SIGKILL);
        throw std::runtime_error("atd did not start: " + std::string(e.what()) + "; log: " + log());
    }
}

std::string AtdProcess::log() const {
    return at::test::readFile(logFile_);
}

ExitStatus AtdProcess::stop(int signal, std::chrono::milliseconds limit) {
    return atd_.stop(signal, limit);
}

}  // namespace atdtest
