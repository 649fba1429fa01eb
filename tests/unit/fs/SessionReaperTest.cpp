// A session whose DELETE fails (service down or restarting) must not be left on the server:
// it stays live, is retried in the background, and unmount tries again before giving up.
#include <string>
#include <thread>

#include "TestFs.h"

namespace atfs::test {
namespace {

class ReaperTest : public FsTest {
  protected:
    void SetUp() override {
        FsTest::SetUp();
        options.deleteRetry = std::chrono::milliseconds(20);
        options.unmountDeleteTimeout = std::chrono::milliseconds(3000);
    }

    // Opens, reads a little (creating the session), then closes while deletes fail.
    void readThenCloseWhileDeletesFail(int failures) {
        backend.failNext("delete", at::ErrorKind::Network, 0, failures);
        const uint64_t fh = open("account/2017-07-10.json");
        ASSERT_EQ(readAt(fh, 0, 4096).size(), 4096u) << counters();
        fs().release(fh);
    }

    // Seen failing once under `ctest -j4` and never reproduced: say what happened.
    std::string counters() {
        const Stats& s = fs().stats();
        return "sessions created " + std::to_string(s.sessionsCreated.load()) + ", deleted " +
               std::to_string(s.sessionsDeleted.load()) + ", errors " +
               std::to_string(s.errors.load()) + ", live on the service " +
               std::to_string(backend.liveSessions().size()) + ", live in the mount " +
               std::to_string(fs().live().snapshot().size());
    }

    bool waitUntilNoLiveSession(std::chrono::milliseconds bound) {
        const auto until = std::chrono::steady_clock::now() + bound;
        while (std::chrono::steady_clock::now() < until) {
            if (backend.liveSessions().empty())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return backend.liveSessions().empty();
    }
};

TEST_F(ReaperTest, FailedDeleteIsRetriedInTheBackground) {
    readThenCloseWhileDeletesFail(1000000);                       // the service stays away...
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // ...through several retries
    // The failed session is still on the server and still listed by the mount...
    EXPECT_EQ(backend.liveSessions().size(), 1u) << counters();
    EXPECT_EQ(fs().live().snapshot().size(), 1u) << counters();
    // ...until the service takes deletes again (retries back off to 30 s: allow for that).
    backend.failNext("delete", at::ErrorKind::Network, 0, 0);
    EXPECT_TRUE(waitUntilNoLiveSession(std::chrono::seconds(40))) << counters();
    EXPECT_TRUE(fs().live().snapshot().empty()) << counters();
    EXPECT_GE(fs().stats().errors.load(), 1u) << counters();
}

TEST_F(ReaperTest, UnmountRetriesWhatIsLeft) {
    options.deleteRetry = std::chrono::hours(1);  // the background never gets its turn
    readThenCloseWhileDeletesFail(1);
    ASSERT_EQ(backend.liveSessions().size(), 1u);
    fs().shutdown();
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_TRUE(fs().live().snapshot().empty());
}

TEST_F(ReaperTest, UnmountGivesUpWithinItsBound) {
    options.deleteRetry = std::chrono::hours(1);
    options.unmountDeleteTimeout = std::chrono::milliseconds(600);
    readThenCloseWhileDeletesFail(1000);
    const auto start = std::chrono::steady_clock::now();
    fs().shutdown();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(backend.liveSessions().size(), 1u);  // left for the next mount's stale cleanup
}

TEST_F(ReaperTest, AlreadyGoneCountsAsDeleted) {
    backend.failNext("delete", at::ErrorKind::NotFound, 404, 1);
    const uint64_t fh = open("account/2017-07-10.json");
    ASSERT_FALSE(readAt(fh, 0, 100).empty());
    fs().release(fh);
    EXPECT_TRUE(fs().live().snapshot().empty());
}

}  // namespace
}  // namespace atfs::test
