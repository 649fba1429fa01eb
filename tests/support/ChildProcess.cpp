#include "ChildProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace at::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Where the child's standard streams and working folder go; -1 / nullptr leaves them as they are.
struct ChildSetup {
    int stdoutFd = -1;
    const char* stdoutFile = nullptr;
    const char* stderrFile = nullptr;
    const char* workDir = nullptr;
};

// In the child: only async-signal-safe calls, since the tests fork from several threads.
void redirectOrDie(const char* file, int target) {
    const int fd = ::open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::dup2(fd, target) < 0)
        ::_exit(126);
}

// Forks and execs argv; returns the child's pid, or -1 when fork fails.
pid_t spawn(const std::vector<std::string>& argv, const ChildSetup& setup) {
    std::vector<char*> args;  // built before fork: the child may not allocate
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    if (setup.stdoutFd >= 0 && ::dup2(setup.stdoutFd, STDOUT_FILENO) < 0)
        ::_exit(126);
    if (setup.stdoutFile)
        redirectOrDie(setup.stdoutFile, STDOUT_FILENO);
    if (setup.stderrFile)
        redirectOrDie(setup.stderrFile, STDERR_FILENO);
    if (setup.workDir && ::chdir(setup.workDir) != 0)
        ::_exit(126);
    ::execvp(args[0], args.data());
    ::_exit(127);
}

ExitStatus decode(int wstatus, Clock::time_point since) {
    ExitStatus s;
    s.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
    if (WIFEXITED(wstatus))
        s.code = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        s.signal = WTERMSIG(wstatus);
    return s;
}

ExitStatus waitForExit(pid_t pid, Clock::time_point since) {
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR)
            return {};
    }
    return decode(wstatus, since);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& stderrFile) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed: " + std::string(std::strerror(errno)));
    ChildSetup setup;
    setup.stdoutFd = fds[1];
    if (!stderrFile.empty())
        setup.stderrFile = stderrFile.c_str();
    pid_ = spawn(argv, setup);
    ::close(fds[1]);
    if (pid_ < 0) {
        ::close(fds[0]);
        throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    }
    stdoutFd_ = fds[0];
}

ChildProcess::~ChildProcess() {
    stop(SIGTERM, std::chrono::seconds(5));
    if (stdoutFd_ >= 0)
        ::close(stdoutFd_);
}

std::string ChildProcess::waitForLine(const std::string& prefix, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    std::string skipped;  // other lines, for the error message
    for (;;) {
        for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            if (line.rfind(prefix, 0) == 0)
                return line.substr(prefix.size());
            skipped += line + "\n";
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            throw std::runtime_error("timed out waiting for \"" + prefix + "\"; stdout: '" +
                                     skipped + pending_ + "'");
        pollfd p{stdoutFd_, POLLIN, 0};
        if (::poll(&p, 1, int(left.count())) <= 0)
            continue;
        char buf[4096];
        const ssize_t n = ::read(stdoutFd_, buf, sizeof buf);
        if (n <= 0)
            throw std::runtime_error("child closed stdout before printing \"" + prefix +
                                     "\"; stdout: '" + skipped + pending_ + "'");
        pending_.append(buf, size_t(n));
    }
}

ExitStatus ChildProcess::stop(int signal, std::chrono::milliseconds limit) {
    if (pid_ <= 0)
        return {};
    const auto started = Clock::now();
    ::kill(pid_, signal);
    for (;;) {
        int wstatus = 0;
        const pid_t reaped = ::waitpid(pid_, &wstatus, WNOHANG);
        if (reaped == pid_) {
            pid_ = -1;
            return decode(wstatus, started);
        }
        if (reaped < 0 && errno != EINTR) {  // not our child any more: nothing left to stop
            pid_ = -1;
            return {};
        }
        if (Clock::now() - started > limit) {
            ::kill(pid_, SIGKILL);
            return waitForExit(std::exchange(pid_, -1), started);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

int runToCompletion(const std::vector<std::string>& argv) {
    const auto started = Clock::now();
    const pid_t pid = spawn(argv, {});
    return pid < 0 ? -1 : waitForExit(pid, started).code;
}

RunResult runCapturingOutput(const std::vector<std::string>& argv, const fs::path& workDir) {
    static std::atomic<int> runs{0};
    const auto id = std::to_string(::getpid()) + "-" + std::to_string(runs++);
    const auto outFile = fs::absolute(workDir / ("run-" + id + ".out"));
    const auto errFile = fs::absolute(workDir / ("run-" + id + ".err"));
    ChildSetup setup;
    setup.stdoutFile = outFile.c_str();
    setup.stderrFile = errFile.c_str();
    setup.workDir = workDir.c_str();
    const auto started = Clock::now();
    const pid_t pid = spawn(argv, setup);
    if (pid < 0)
        throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    const auto status = waitForExit(pid, started);
    return {status, readFile(outFile), readFile(errFile)};
}

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "atfs-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string readFile(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace at::test
