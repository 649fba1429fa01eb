#include "ReadWatch.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "Log.h"

namespace atfs {

struct ReadWatch::Process {
    pid_t tgid = 0;
    int pidfd = -1;               // -1: polled in /proc
    unsigned long long born = 0;  // /proc start time: a reused pid is another process
    std::atomic<bool> dead{false};
    int files = 0;  // open files it opened or read
    std::vector<pid_t> tids;
};

namespace {

// The thread group of a thread (FUSE requests carry the thread's id), or 0 once it is gone.
pid_t threadGroupOf(pid_t tid) {
    std::ifstream in("/proc/" + std::to_string(tid) + "/status");
    if (!in)
        return (kill(tid, 0) == 0 || errno != ESRCH) ? tid : 0;  // no /proc: watch the id
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Tgid:", 0) == 0)
            return pid_t(std::stol(line.substr(5)));
    return tid;
}

// State and start time from /proc/PID/stat; false once the process is gone (or a zombie).
bool aliveInProc(pid_t pid, unsigned long long& born) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!in || !std::getline(in, text))
        return false;
    const size_t close = text.rfind(')');  // the name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 >= text.size())
        return false;
    char state = 0;
    unsigned long long start = 0;
    // Fields after the name: state (3) ... starttime (22).
    if (std::sscanf(text.c_str() + close + 2,
                    "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
                    "%llu",
                    &state, &start) != 2)
        return false;
    if (state == 'Z' || state == 'X')
        return false;
    if (born == 0)
        born = start;
    return start == born;
}

int openPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return int(syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

}  // namespace

ReadWatch::ReadWatch(Abandon abandon) : abandon_(std::move(abandon)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_ < 0 || wake_ < 0) {
        logLine(std::string("read watch disabled (epoll/eventfd: ") + std::strerror(errno) +
                "): a killed reader's session waits for the rate floor or stall timeout");
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    thread_ = std::thread([this] { run(); });
}

ReadWatch::~ReadWatch() {
    if (thread_.joinable()) {
        {
            std::lock_guard lk(mu_);
            stopping_ = true;
        }
        const uint64_t one = 1;
        if (write(wake_, &one, sizeof one) < 0) {
        }
        thread_.join();
    }
    for (auto& [fd, p] : byPidfd_)
        ::close(fd);
    if (wake_ >= 0)
        ::close(wake_);
    if (epoll_ >= 0)
        ::close(epoll_);
}

std::shared_ptr<ReadWatch::Process> ReadWatch::processOf(pid_t tid) {
    if (auto it = byTid_.find(tid); it != byTid_.end()) {
        if (auto p = it->second.lock(); p && stillRunning(*p))
            return p;
        byTid_.erase(it);
    }
    auto p = std::make_shared<Process>();
    const pid_t tgid = threadGroupOf(tid);
    if (tgid == 0) {
        p->dead = true;  // gone before its request got here: not watched, nowhere listed
        return p;
    }
    auto known = byTgid_.find(tgid);
    if (known != byTgid_.end() && !stillRunning(*known->second)) {
        // Its end is not handled yet, and its pid is already another process's (pid_max is
        // 32768 here: xargs runs wrap it within a minute). The watch still ends the old one.
        byTgid_.erase(known);
        known = byTgid_.end();
    }
    if (known != byTgid_.end()) {
        p = known->second;
    } else {
        p->tgid = tgid;
        p->pidfd = epoll_ < 0 ? -1 : openPidfd(tgid);
        if (p->pidfd >= 0) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = p->pidfd;
            epoll_ctl(epoll_, EPOLL_CTL_ADD, p->pidfd, &ev);
            byPidfd_[p->pidfd] = p;
        } else if (errno == ESRCH) {
            p->dead = true;
            return p;
        } else {
            if (!aliveInProc(tgid, p->born)) {
                p->dead = true;
                return p;
            }
            polled_.insert(p);
            const uint64_t one = 1;
            if (wake_ >= 0 && write(wake_, &one, sizeof one) < 0) {
            }
        }
        byTgid_[tgid] = p;
    }
    byTid_[tid] = p;
    p->tids.push_back(tid);
    return p;
}

bool ReadWatch::stillRunning(const Process& p) {
    if (p.dead)
        return false;
    if (p.pidfd >= 0) {
        pollfd ready{p.pidfd, POLLIN, 0};
        return poll(&ready, 1, 0) == 0;  // a pidfd turns readable when its process exits
    }
    unsigned long long born = p.born;
    return aliveInProc(p.tgid, born);
}

void ReadWatch::addReader(File& f, const std::shared_ptr<Process>& p) {
    if (!p->dead && f.readers.insert(p).second)
        p->files++;
}

void ReadWatch::opened(uint64_t fh, pid_t tid) {
    if (tid <= 0)
        return;
    std::lock_guard lk(mu_);
    File& f = files_[fh];
    auto p = processOf(tid);
    addReader(f, p);
    f.lastTid = tid;
    f.last = p;
}

ReadWatch::ProcessRef ReadWatch::reading(uint64_t fh, pid_t tid) {
    if (tid <= 0)
        return nullptr;
    std::lock_guard lk(mu_);
    auto it = files_.find(fh);
    if (it == files_.end())
        return nullptr;  // opened before the watch knew of it
    File& f = it->second;
    if (tid == f.lastTid && f.last)
        return f.last;
    auto p = processOf(tid);
    addReader(f, p);
    f.lastTid = tid;
    f.last = p;
    return p;
}

bool ReadWatch::gone(const ProcessRef& p) {
    return p && p->dead.load();
}

void ReadWatch::released(uint64_t fh) {
    std::lock_guard lk(mu_);
    auto it = files_.find(fh);
    if (it == files_.end())
        return;
    for (const auto& p : it->second.readers)
        if (--p->files == 0)
            forgetProcess(p);
    files_.erase(it);
}

void ReadWatch::forgetProcess(const std::shared_ptr<Process>& p) {
    for (pid_t tid : p->tids) {
        auto it = byTid_.find(tid);
        if (it != byTid_.end() && it->second.lock() == p)
            byTid_.erase(it);
    }
    p->tids.clear();
    if (auto it = byTgid_.find(p->tgid); it != byTgid_.end() && it->second == p)
        byTgid_.erase(it);
    polled_.erase(p);
    if (p->pidfd >= 0) {
        byPidfd_.erase(p->pidfd);
        ::close(p->pidfd);  // and out of the epoll set with it
        p->pidfd = -1;
    }
}

void ReadWatch::ended(const std::shared_ptr<Process>& p, std::vector<uint64_t>& orphaned) {
    p->dead = true;
    forgetProcess(p);
    for (auto& [fh, f] : files_) {
        if (!f.readers.count(p))
            continue;
        bool anyAlive = false;
        for (const auto& r : f.readers)
            anyAlive = anyAlive || !r->dead;
        if (!anyAlive)
            orphaned.push_back(fh);
    }
}

void ReadWatch::pollWithoutPidfds(std::vector<uint64_t>& orphaned) {
    std::vector<std::shared_ptr<Process>> gone;
    for (const auto& p : polled_)
        if (!aliveInProc(p->tgid, p->born))
            gone.push_back(p);
    for (const auto& p : gone)
        ended(p, orphaned);
}

size_t ReadWatch::watchedProcesses() const {
    std::lock_guard lk(mu_);
    return byTgid_.size();
}

void ReadWatch::run() {
    for (;;) {
        bool polling = false;
        {
            std::lock_guard lk(mu_);
            if (stopping_)
                return;
            polling = !polled_.empty();
        }
        epoll_event events[32];
        const int n = epoll_wait(epoll_, events, 32, polling ? 250 : -1);
        std::vector<uint64_t> orphaned;
        {
            std::lock_guard lk(mu_);
            if (stopping_)
                return;
            for (int i = 0; i < n; ++i) {
                if (events[i].data.fd == wake_) {
                    uint64_t count = 0;
                    if (read(wake_, &count, sizeof count) < 0) {
                    }
                    continue;
                }
                // The event may be stale: its process was forgotten (pidfd closed) after
                // epoll_wait returned, and a new process's pidfd got the same number.
                auto it = byPidfd_.find(events[i].data.fd);
                if (it != byPidfd_.end() && !stillRunning(*it->second))
                    ended(std::shared_ptr<Process>(it->second), orphaned);
            }
            if (!polled_.empty())
                pollWithoutPidfds(orphaned);
        }
        for (uint64_t fh : orphaned)
            abandon_(fh);
    }
}

}  // namespace atfs
