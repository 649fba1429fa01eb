// The reaper is the only code that deletes sessions. A session whose DELETE fails (service
// down or restarting) must not be left on the server: it stays live, is retried with backoff,
// and unmount tries again before giving up. Time is a fake clock: nothing here waits.
#include "session/SessionReaper.h"

#include <gtest/gtest.h>

#include <string>

#include "MemoryBackend.h"
#include "TestFs.h"
#include "session/SessionLease.h"

namespace atfs::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FakeTime {
  public:
    Clock::time_point now() const { return now_; }
    void advance(std::chrono::milliseconds d) { now_ += d; }
    ReaperTiming timing(std::chrono::milliseconds first = 1s, std::chrono::milliseconds max = 8s) {
        ReaperTiming t;
        t.firstRetry = first;
        t.maxRetry = max;
        t.now = [this] { return now_; };
        t.sleep = [this](std::chrono::milliseconds d) { now_ += d; };
        t.background = false;
        return t;
    }

  private:
    Clock::time_point now_{};  // any fixed point: only differences matter
};

class SessionReaperTest : public ::testing::Test {
  protected:
    const at::Domain domain{"g-dev", false};

    // A session live on the service and in the mount, as a lease leaves it.
    ReleasedSession liveSession(bool withSlot = true) {
        const at::Session s = backend.createSession(
            domain, at::SessionRequest{D("2017-07-01"), D("2017-07-01"), {}, false, "t"});
        LiveSession entry{s.id, "spaces/acme/dev/x.json", domain};
        live.add(entry);
        if (withSlot && !gate.acquire("g-dev", 0ms))
            ADD_FAILURE() << "no free slot";
        return ReleasedSession{entry, withSlot ? GateSlot(&gate, "g-dev") : GateSlot()};
    }

    MemoryBackend backend;
    LiveSessions live;
    Stats stats;
    SessionGate gate{2};
    FakeTime time;
};

TEST_F(SessionReaperTest, ReleaseDeletesUnregistersAndFreesTheSlot) {
    SessionReaper reaper(backend, live, stats, time.timing());
    reaper.releaseNow(liveSession());
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_TRUE(live.snapshot().empty());
    EXPECT_EQ(gate.inUse("g-dev"), 0);
    EXPECT_EQ(reaper.pending(), 0u);
    EXPECT_EQ(stats.sessionsDeleted.load(), 1u);
}

TEST_F(SessionReaperTest, FailedDeleteFreesTheSlotAndIsRetriedWithBackoff) {
    SessionReaper reaper(backend, live, stats, time.timing(1s, 4s));
    backend.failNext("delete", at::ErrorKind::Network, 0, 3);
    reaper.releaseNow(liveSession());
    // Readers are not held up by a service that is away; the session stays listed.
    EXPECT_EQ(gate.inUse("g-dev"), 0);
    EXPECT_EQ(backend.liveSessions().size(), 1u);
    EXPECT_EQ(live.snapshot().size(), 1u);
    ASSERT_EQ(reaper.pending(), 1u);

    // Not before its time...
    time.advance(999ms);
    auto next = reaper.retryDue();
    ASSERT_TRUE(next);
    EXPECT_EQ(*next - time.now(), 1ms);
    // ...then after 1 s (fails), 2 s more (fails), 4 s more (works): the delay doubles.
    time.advance(1ms);
    next = reaper.retryDue();
    ASSERT_TRUE(next);
    EXPECT_EQ(*next - time.now(), 1s);  // the first retry's delay was 1 s; the next is 1 s on
    time.advance(1s);
    next = reaper.retryDue();
    ASSERT_TRUE(next);
    EXPECT_EQ(*next - time.now(), 2s);
    EXPECT_EQ(backend.liveSessions().size(), 1u);
    time.advance(2s);
    EXPECT_FALSE(reaper.retryDue());  // deleted: nothing left
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_TRUE(live.snapshot().empty());
    EXPECT_EQ(stats.errors.load(), 3u);
}

TEST_F(SessionReaperTest, BackoffStopsGrowingAtItsCap) {
    SessionReaper reaper(backend, live, stats, time.timing(1s, 4s));
    backend.failNext("delete", at::ErrorKind::Server, 503, 1000);
    reaper.releaseNow(liveSession());
    std::chrono::milliseconds last{};
    for (int i = 0; i < 8; ++i) {
        time.advance(60s);
        const auto next = reaper.retryDue();
        ASSERT_TRUE(next);
        last = std::chrono::duration_cast<std::chrono::milliseconds>(*next - time.now());
    }
    EXPECT_EQ(last, 4s);
    EXPECT_EQ(backend.liveSessions().size(), 1u);
}

TEST_F(SessionReaperTest, NotFoundMeansGone) {
    SessionReaper reaper(backend, live, stats, time.timing());
    backend.failNext("delete", at::ErrorKind::NotFound, 404, 1);
    reaper.releaseNow(liveSession());
    EXPECT_TRUE(live.snapshot().empty());
    EXPECT_EQ(reaper.pending(), 0u);
    EXPECT_EQ(stats.errors.load(), 0u);
}

TEST_F(SessionReaperTest, ReleaseLaterWaitsForTheReaperThenDeletes) {
    SessionReaper reaper(backend, live, stats, time.timing());
    reaper.releaseLater(liveSession());
    EXPECT_EQ(backend.liveSessions().size(), 1u);  // nothing on the caller's thread
    EXPECT_EQ(gate.inUse("g-dev"), 1);
    EXPECT_FALSE(reaper.retryDue());
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_EQ(gate.inUse("g-dev"), 0);
}

TEST_F(SessionReaperTest, DrainDeletesWhatIsLeftIncludingSessionsStillInARead) {
    SessionReaper reaper(backend, live, stats, time.timing());
    backend.failNext("delete", at::ErrorKind::Network, 0, 1);
    reaper.releaseNow(liveSession());
    liveSession(/*withSlot=*/false);  // a stream still inside a read at unmount
    ASSERT_EQ(live.snapshot().size(), 2u);
    reaper.drain(20s);
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_TRUE(live.snapshot().empty());
}

TEST_F(SessionReaperTest, DrainGivesUpWithinItsBound) {
    SessionReaper reaper(backend, live, stats, time.timing());
    backend.failNext("delete", at::ErrorKind::Network, 0, 1000);
    reaper.releaseNow(liveSession());
    const auto start = time.now();
    reaper.drain(5s);
    EXPECT_LE(time.now() - start, 5s);
    EXPECT_GT(time.now() - start, 1s);             // it did back off and retry
    EXPECT_EQ(backend.liveSessions().size(), 1u);  // left for the next mount's stale cleanup
    EXPECT_EQ(gate.inUse("g-dev"), 0);
}

// Through the filesystem: closing a file hands its session to the reaper.
class ReaperThroughFsTest : public FsTest {};

TEST_F(ReaperThroughFsTest, AFailedDeleteAtCloseIsLeftForUnmount) {
    options.deleteRetry = std::chrono::hours(1);  // the background never gets its turn
    backend.failNext("delete", at::ErrorKind::Network, 0, 1);
    const uint64_t fh = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(fh, 0, 4096).size(), 4096u);
    fs().release(fh);
    EXPECT_EQ(backend.liveSessions().size(), 1u);
    EXPECT_EQ(fs().live().snapshot().size(), 1u);
    fs().shutdown();
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_TRUE(fs().live().snapshot().empty());
}

TEST_F(ReaperThroughFsTest, AlreadyGoneCountsAsDeleted) {
    backend.failNext("delete", at::ErrorKind::NotFound, 404, 1);
    const uint64_t fh = open("account/2017-07-10.json");
    ASSERT_FALSE(readAt(fh, 0, 100).empty());
    fs().release(fh);
    EXPECT_TRUE(fs().live().snapshot().empty());
}

}  // namespace
}  // namespace atfs::test
