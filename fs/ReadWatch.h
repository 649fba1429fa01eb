// Notices readers that are gone without a word to atfs. Page-cache reads are the kernel's
// readahead, FUSE background requests that get no interrupt when their reader is killed, and
// the file is released only once they are answered: a reader killed during a slow download
// left its session on the service until the rate floor or the stall timeout ended it.
//
// So each open remembers its process (the request's pid is a thread: its thread group is
// watched), and so does each read from another process (a child that inherited the file).
// One thread per mount waits on pidfds (pidfd_open(2)), or polls /proc where there are none;
// when every process that opened or read a file is gone, the file's read in progress is
// abandoned (its download ends, its session goes). Nothing else changes: a later read from a
// live process (the file lives on in a child) starts over.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace atfs {

class ReadWatch {
  public:
    // Called on the watch's thread, with no lock of the watch held.
    using Abandon = std::function<void(uint64_t fh)>;
    struct Process;
    using ProcessRef = std::shared_ptr<const Process>;

    explicit ReadWatch(Abandon abandon);
    ~ReadWatch();
    ReadWatch(const ReadWatch&) = delete;
    ReadWatch& operator=(const ReadWatch&) = delete;

    void opened(uint64_t fh, pid_t tid);
    // A read of fh from thread tid: its process, which the read's cancel check asks with
    // gone(); null for the kernel's own requests (pid 0) or a process that cannot be watched.
    ProcessRef reading(uint64_t fh, pid_t tid);
    static bool gone(const ProcessRef& p);
    void released(uint64_t fh);

    size_t watchedProcesses() const;

  private:
    struct File {
        std::set<std::shared_ptr<Process>> readers;  // the opener and every process that read
        pid_t lastTid = -1;                          // the fast path: the same thread again
        std::shared_ptr<Process> last;
    };
    std::shared_ptr<Process> processOf(pid_t tid);  // under mu_
    // False once it ended, even if the watch's thread has not handled that yet: a pid
    // seen again may already be another process.
    static bool stillRunning(const Process& p);
    void addReader(File& f, const std::shared_ptr<Process>& p);  // under mu_
    void run();
    void forgetProcess(const std::shared_ptr<Process>& p);  // under mu_: out of every map
    // Under mu_: marks it gone; appends the files none of whose readers is alive.
    void ended(const std::shared_ptr<Process>& p, std::vector<uint64_t>& orphaned);
    void pollWithoutPidfds(std::vector<uint64_t>& orphaned);  // under mu_

    Abandon abandon_;
    int epoll_ = -1;
    int wake_ = -1;  // eventfd: stop
    mutable std::mutex mu_;
    std::map<uint64_t, File> files_;
    std::map<pid_t, std::shared_ptr<Process>> byTgid_;
    std::map<pid_t, std::weak_ptr<Process>> byTid_;
    std::map<int, std::shared_ptr<Process>> byPidfd_;
    std::set<std::shared_ptr<Process>> polled_;  // no pidfd: checked in /proc every 250 ms
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace atfs
