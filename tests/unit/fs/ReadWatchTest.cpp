// ReadWatch over real processes: a file is abandoned once every process that opened or read
// it is gone, and not while one that read it lives (a child that inherited the file).
#include "ReadWatch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace atfs;
using namespace std::chrono_literals;

namespace {

// A child that sleeps until killed.
pid_t sleeper() {
    const pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

void killAndReap(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

class Abandoned {
  public:
    void add(uint64_t fh) {
        std::lock_guard lk(mu_);
        fhs_.insert(fh);
        cv_.notify_all();
    }
    bool waitFor(uint64_t fh, std::chrono::milliseconds bound) {
        std::unique_lock lk(mu_);
        return cv_.wait_for(lk, bound, [&] { return fhs_.count(fh) > 0; });
    }
    bool has(uint64_t fh) {
        std::lock_guard lk(mu_);
        return fhs_.count(fh) > 0;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::set<uint64_t> fhs_;
};

}  // namespace

TEST(ReadWatch, AFileIsAbandonedWithinASecondOfItsReaderDying) {
    Abandoned abandoned;
    ReadWatch watch([&](uint64_t fh) { abandoned.add(fh); });
    const pid_t reader = sleeper();
    const pid_t other = sleeper();
    watch.opened(1, reader);
    watch.opened(2, other);
    EXPECT_FALSE(ReadWatch::gone(watch.reading(1, reader)));
    // Not reaped: a zombie is gone too (the test's own parent may wait late).
    kill(reader, SIGKILL);
    EXPECT_TRUE(abandoned.waitFor(1, 1s));
    EXPECT_TRUE(ReadWatch::gone(watch.reading(1, reader)));
    EXPECT_FALSE(abandoned.has(2));
    waitpid(reader, nullptr, 0);
    watch.released(1);
    killAndReap(other);
    EXPECT_TRUE(abandoned.waitFor(2, 1s));
    watch.released(2);
    EXPECT_EQ(watch.watchedProcesses(), 0u);
}

TEST(ReadWatch, AFileReadByALiveChildIsNotAbandonedWhenItsOpenerDies) {
    Abandoned abandoned;
    ReadWatch watch([&](uint64_t fh) { abandoned.add(fh); });
    const pid_t opener = sleeper();
    const pid_t child = sleeper();  // as if it inherited the file and read it
    watch.opened(7, opener);
    const ReadWatch::ProcessRef childRead = watch.reading(7, child);
    ASSERT_TRUE(childRead);
    killAndReap(opener);
    EXPECT_FALSE(abandoned.waitFor(7, 500ms));
    EXPECT_FALSE(ReadWatch::gone(childRead));
    killAndReap(child);
    EXPECT_TRUE(abandoned.waitFor(7, 1s));
    EXPECT_TRUE(ReadWatch::gone(childRead));
    watch.released(7);
}

TEST(ReadWatch, ThreadsCountAsTheirProcessAndKernelRequestsAsNobody) {
    Abandoned abandoned;
    ReadWatch watch([&](uint64_t fh) { abandoned.add(fh); });
    watch.opened(3, getpid());
    const ReadWatch::ProcessRef self = watch.reading(3, getpid());
    ASSERT_TRUE(self);
    EXPECT_FALSE(ReadWatch::gone(self));
    EXPECT_EQ(watch.reading(3, 0), nullptr);  // the kernel's own request: no process
    std::thread reader([&] { EXPECT_EQ(watch.reading(3, pid_t(gettid())), self); });
    reader.join();
    EXPECT_EQ(watch.watchedProcesses(), 1u);
    watch.released(3);
    EXPECT_FALSE(abandoned.has(3));
    EXPECT_EQ(watch.watchedProcesses(), 0u);
}

// Pidfd numbers are reused: a process that ends while its file is released hands its pidfd's
// number to the next reader's pidfd, and the end's event, still in flight, must not end that
// one (its reads would get EINTR, which cat retries forever). Short-lived openers race live ones.
TEST(ReadWatch, AReusedPidfdNumberDoesNotEndALiveReader) {
    Abandoned abandoned;
    ReadWatch watch([&](uint64_t fh) { abandoned.add(fh); });
    std::vector<pid_t> live;
    std::vector<ReadWatch::ProcessRef> liveReads;
    for (uint64_t i = 0; i < 400; ++i) {
        const pid_t brief = fork();
        if (brief == 0)
            _exit(0);
        watch.opened(1000 + i, brief);
        waitpid(brief, nullptr, 0);  // its pidfd turns readable about now
        watch.released(1000 + i);    // and is closed: the number is free again
        live.push_back(sleeper());
        watch.opened(2000 + i, live.back());
        liveReads.push_back(watch.reading(2000 + i, live.back()));
    }
    std::this_thread::sleep_for(300ms);
    int wronglyGone = 0;
    for (uint64_t i = 0; i < live.size(); ++i)
        wronglyGone += ReadWatch::gone(liveReads[i]) || abandoned.has(2000 + i);
    for (pid_t p : live)
        killAndReap(p);
    EXPECT_EQ(wronglyGone, 0);
}
