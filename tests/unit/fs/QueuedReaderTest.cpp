// A reader queued for a session slot waits with its stream's mutex released: the release
// (or abandon) of its file is not held up by the wait, and the wait ends with it.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "TestFs.h"

using namespace atfs;
using namespace atfs::test;
using namespace std::chrono_literals;

namespace {

// A reader of `fh` on its own thread, queued on a full gate; its result once it ends.
std::future<ssize_t> queuedRead(TrailFs& fs, uint64_t fh) {
    return std::async(std::launch::async, [&fs, fh] {
        char buf[100];
        return fs.read(fh, 0, sizeof buf, buf);
    });
}

bool waitQueued(TrailFs& fs) {
    for (int i = 0; i < 200 && fs.stats().gateWaits.load() == 0; ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(50ms);  // inside the gate's wait, not just counted
    return fs.stats().gateWaits.load() > 0;
}

class QueuedReaderTest : public FsTest {
  protected:
    void SetUp() override {
        FsTest::SetUp();
        options.maxSessionsPerDomain = 1;
        options.gateTimeout = 20s;  // far longer than any bound below
    }
};

}  // namespace

TEST_F(QueuedReaderTest, ReleaseOfAQueuedReadersFileReturnsWithinASecond) {
    const uint64_t owner = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(owner, 0, 1000).size(), 1000u);  // holds the domain's only slot
    const uint64_t queued = open("account/2017-07-01.json");
    auto reader = queuedRead(fs(), queued);
    ASSERT_TRUE(waitQueued(fs()));
    const auto t0 = std::chrono::steady_clock::now();
    fs().release(queued);  // the old code waited on the stream's mutex for the gate timeout
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    ASSERT_EQ(reader.wait_for(1s), std::future_status::ready) << "the queued read went on";
    EXPECT_LT(reader.get(), 0);
    EXPECT_EQ(fs().options().maxSessionsPerDomain, 1);
    // The slot stayed with its owner, which reads on; nothing else was created.
    EXPECT_EQ(readAt(owner, 1000, 1000).size(), 1000u);
    EXPECT_EQ(backend.counters().created, 1);
    fs().release(owner);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(QueuedReaderTest, AbandonReturnsAtOnceAndTheQueuedReadStillGetsItsTurn) {
    // FileStream's rule. The read engine ends every read of the file at abandon (it comes at
    // release, or when the reader is gone); one interrupted request ends by its own callback.
    options.readEngine = false;
    const uint64_t owner = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(owner, 0, 1000).size(), 1000u);
    const uint64_t queued = open("account/2017-07-01.json");
    auto reader = queuedRead(fs(), queued);
    ASSERT_TRUE(waitQueued(fs()));
    const auto t0 = std::chrono::steady_clock::now();
    fs().abandon(queued);  // a late interrupt of another request: this read is not cancelled
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
    EXPECT_EQ(reader.wait_for(200ms), std::future_status::timeout);
    fs().release(owner);  // frees the slot: the queued read takes it
    ASSERT_EQ(reader.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(reader.get(), 100);
    fs().release(queued);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(QueuedReaderTest, ReadsOfOneFileQueueOnceAndShareTheSlot) {
    const uint64_t owner = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(owner, 0, 1000).size(), 1000u);
    const uint64_t queued = open("account/2017-07-01.json");
    // The kernel's readahead sends several requests of one file at once.
    auto first = queuedRead(fs(), queued);
    auto second = queuedRead(fs(), queued);
    ASSERT_TRUE(waitQueued(fs()));
    std::this_thread::sleep_for(100ms);
    fs().release(owner);
    ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
    ASSERT_EQ(second.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(first.get(), 100);
    EXPECT_EQ(second.get(), 100);
    EXPECT_EQ(fs().stats().gateWaits.load(), 1u);  // one place in line for the file
    fs().release(queued);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(QueuedReaderTest, QueueWaitsAreInTheMetrics) {
    const uint64_t owner = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(owner, 0, 1000).size(), 1000u);
    const uint64_t queued = open("account/2017-07-01.json");
    auto reader = queuedRead(fs(), queued);
    ASSERT_TRUE(waitQueued(fs()));
    std::this_thread::sleep_for(200ms);
    fs().release(owner);
    ASSERT_EQ(reader.get(), 100);
    fs().release(queued);
    const uint64_t metrics = open(".atfs/metrics");
    const std::string text = readAt(metrics, 0, 1 << 20);
    fs().release(metrics);
    EXPECT_NE(text.find("# TYPE atfs_session_queue_wait_seconds histogram"), std::string::npos);
    EXPECT_NE(text.find("atfs_session_queue_wait_seconds_count 1\n"), std::string::npos);
    // The one wait took about 250 ms: not in the 0.1 s bucket, in the 0.5 s one.
    EXPECT_NE(text.find("atfs_session_queue_wait_seconds_bucket{le=\"0.1\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("atfs_session_queue_wait_seconds_bucket{le=\"0.5\"} 1\n"),
              std::string::npos);
}
