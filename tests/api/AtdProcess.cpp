#include "AtdProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace atdtest {

namespace fs = std::filesystem;

namespace {

std::atomic<int> gCounter{0};

ExitStatus decode(int wstatus, std::chrono::steady_clock::time_point since) {
    ExitStatus s;
    s.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - since);
    if (WIFEXITED(wstatus)) {
        s.code = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        s.signal = WTERMSIG(wstatus);
    }
    return s;
}

std::vector<char*> argvOf(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    return argv;
}

std::string slurp(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TempDir::TempDir() {
    std::string templ = (fs::temp_directory_path() / "atd-api-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) {
        throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    }
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

RunResult runAtd(const std::vector<std::string>& args, const fs::path& workDir) {
    auto id = std::to_string(::getpid()) + "-" + std::to_string(gCounter++);
    auto outFile = workDir / ("run-" + id + ".out");
    auto errFile = workDir / ("run-" + id + ".err");
    std::vector<std::string> full{ATD_BIN};
    full.insert(full.end(), args.begin(), args.end());
    auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
        // Relative paths in args are then relative to workDir, as for a user in that folder.
        if (::chdir(workDir.c_str()) != 0)
            ::_exit(126);
        int out = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, 1);
        ::dup2(err, 2);
        auto argv = argvOf(full);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    return {decode(wstatus, started), slurp(outFile), slurp(errFile)};
}

AtdProcess::AtdProcess(const fs::path& dataDir, std::vector<std::string> extraArgs) {
    logFile_ = dataDir.parent_path() /
               ("atd-" + std::to_string(::getpid()) + "-" + std::to_string(gCounter++) + ".log");
    std::vector<std::string> args{ATD_BIN,          "serve",    "--data",
                                  dataDir.string(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(pipeFds[1], 1);
        int err = ::open(logFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(err, 2);
        auto argv = argvOf(args);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipeFds[1]);
    // Read the one "atd listening on URL" line, waiting at most 20 s.
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{pipeFds[0], POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) {
            continue;
        }
        char buf[256];
        ssize_t n = ::read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        line.append(buf, size_t(n));
    }
    ::close(pipeFds[0]);
    const std::string prefix = "atd listening on ";
    auto colon = line.rfind(':');
    if (line.rfind(prefix, 0) != 0 || colon == std::string::npos) {
        stop(SIGKILL);
        throw std::runtime_error("atd did not start; stdout: '" + line + "', log: " + log());
    }
    url_ = line.substr(prefix.size(), line.find('\n') - prefix.size());
    port_ = std::stoi(line.substr(colon + 1));
}

AtdProcess::~AtdProcess() {
    if (pid_ > 0) {
        stop(SIGTERM, std::chrono::seconds(5));
    }
}

std::string AtdProcess::log() const {
    return slurp(logFile_);
}

ExitStatus AtdProcess::stop(int signal, std::chrono::milliseconds limit) {
    if (pid_ <= 0) {
        return {};
    }
    auto started = std::chrono::steady_clock::now();
    ::kill(pid_, signal);
    int wstatus = 0;
    while (true) {
        pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
        if (r == pid_) {
            break;
        }
        if (std::chrono::steady_clock::now() - started > limit) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &wstatus, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return decode(wstatus, started);
}

}  // namespace atdtest
