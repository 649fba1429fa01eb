// TrailFs reads: byte identity for every read pattern, session lifecycle, chaining,
// the session limit, failures.
#include <fcntl.h>

#include <atomic>
#include <random>
#include <thread>

#include "TestFs.h"

using namespace atfs;
using namespace atfs::test;

TEST_F(FsTest, WholeFilesAreByteIdentical) {
    for (size_t chunk : {size_t(4096), size_t(128 << 10), size_t(1000003)}) {
        EXPECT_EQ(readAll("account/2017-07-10.json", chunk), dayJson("account", "2017-07-10"));
    }
    EXPECT_EQ(readAll("account/2017-07-01.json"), dayJson("account", "2017-07-01"));
    EXPECT_EQ(readAll("spaces/acme/dev/2017-07-22.json"), dayJson("g-dev", "2017-07-22"));
    EXPECT_EQ(readAll("account/2017-07-01/09.json"),
              backend.inflated("account", H("2017-07-01T09"), H("2017-07-01T09")));
    EXPECT_EQ(readAll("account/2017-07-01/05.json"), "");
    EXPECT_EQ(readAll("account/2017-07-30.json"), dayJson("account", "2017-07-30"));
}

TEST_F(FsTest, GzIsTheRawDownload) {
    const std::string raw = backend.rawGzip("account", H("2017-07-10T00"), H("2017-07-10T23"));
    EXPECT_EQ(readAll("account/2017-07-10.json.gz"), raw);
    EXPECT_EQ(raw.substr(0, 2), "\x1f\x8b");
    EXPECT_EQ(readAll("account/2017-07-01/17.json.gz"),
              backend.rawGzip("account", H("2017-07-01T17"), H("2017-07-01T17")));
}

TEST_F(FsTest, RandomOffsetsAreByteIdentical) {
    options.readEngine = false;  // FileStream: the fallback, and files without an hour map
    const std::string expected = dayJson("account", "2017-07-10");
    ASSERT_GT(expected.size(), 1000000u);
    const uint64_t fh = open("account/2017-07-10.json");
    std::mt19937 rng(7);
    uint64_t pos = 0;
    auto check = [&](uint64_t off, size_t n) {
        const std::string got = readAt(fh, off, n);
        const size_t want = off >= expected.size() ? 0 : std::min(n, expected.size() - off);
        ASSERT_EQ(got.size(), want) << "offset " << off;
        EXPECT_TRUE(got == expected.substr(std::min<uint64_t>(off, expected.size()), want))
            << "offset " << off;
        pos = off + got.size();
    };
    check(0, 100000);
    check(pos - 30000, 20000);      // backward within the window
    check(pos + 100000, 8192);      // forward within skipAhead: read through
    check(pos + 600000, 8192);      // far forward: restart
    check(1000, 5000);              // far backward: restart
    for (int i = 0; i < 60; ++i) {  // a mix, as less or a random reader would
        const uint64_t off = rng() % (expected.size() + 1000);
        check(off, 1 + rng() % 70000);
    }
    check(expected.size() - 10, 4096);  // the tail
    check(expected.size() + 5, 4096);   // past the end
    fs().release(fh);
    EXPECT_GT(fs().stats().restarts.load(), 2u);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, GzSeeksResumeWithRange) {
    const std::string raw = backend.rawGzip("account", H("2017-07-10T00"), H("2017-07-10T23"));
    const uint64_t fh = open("account/2017-07-10.json.gz");
    std::mt19937 rng(3);
    for (int i = 0; i < 30; ++i) {
        const uint64_t off = rng() % raw.size();
        const std::string got = readAt(fh, off, 20000);
        ASSERT_EQ(got, raw.substr(off, 20000)) << off;
    }
    fs().release(fh);
}

TEST_F(FsTest, LongRangesChainSessionsInOrder) {
    const std::string r15 = readAll("account/2017-06-01..2017-06-15.json");
    std::string concat;
    for (at::Date d = D("2017-06-01"); d <= D("2017-06-15"); d = d.plusDays(1))
        concat += readAll("account/" + d.str() + ".json");
    EXPECT_EQ(r15, concat);
    auto before = backend.counters();
    EXPECT_EQ(readAll("account/2017-06-01..2017-06-15.json"), concat);
    EXPECT_EQ(backend.counters().created - before.created, 1);  // 15 days: one session

    before = backend.counters();
    const std::string r40 = readAll("account/2017-06-01..2017-07-10.json");
    EXPECT_EQ(r40, backend.inflated("account", H("2017-06-01T00"), H("2017-07-10T23")));
    const auto after = backend.counters();
    EXPECT_EQ(after.created - before.created, 3);  // 15 + 15 + 10 days
    EXPECT_EQ(after.deleted - before.deleted, 3);
    // One after the other, each deleted when done by the reaper's thread while the next is
    // created: the service may see two for a moment, never one per segment.
    EXPECT_LE(after.maxLivePerDomain, 2);
    EXPECT_EQ(readAll("account/2017-06-01..2017-07-10.json.gz"),
              backend.rawGzip("account", H("2017-06-01T00"), H("2017-07-10T23")));
}

TEST_F(FsTest, HourBoundRangesUseHourSessionsForPartialDays) {
    const auto before = backend.counters();
    EXPECT_EQ(readAll("account/2017-07-09T05..2017-07-11T03.json"),
              backend.inflated("account", H("2017-07-09T05"), H("2017-07-11T03")));
    // 07-09: hours 9 and 17; 07-10 whole; 07-11: hour 2.
    EXPECT_EQ(backend.counters().created - before.created, 4);
    EXPECT_EQ(readAll("account/2017-07-10T22..2017-07-10T23.json"),
              backend.inflated("account", H("2017-07-10T22"), H("2017-07-10T23")));
}

TEST_F(FsTest, ReleaseDeletesTheSessionEvenMidFile) {
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(backend.counters().created, 0);
    EXPECT_EQ(readAt(fh, 0, 4096).size(), 4096u);  // head -1
    EXPECT_EQ(backend.liveSessions().size(), 1u);
    EXPECT_EQ(backend.liveSessions()[0].tag, options.tag);
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
    EXPECT_EQ(backend.counters().deleted, 1);
}

TEST_F(FsTest, ShutdownDeletesEverySession) {
    std::vector<uint64_t> fhs;
    for (const char* f : {"account/2017-07-10.json", "account/2017-07-10.json.gz",
                          "account/2017-07-01..2017-07-29.json"}) {
        fhs.push_back(open(f));
        EXPECT_FALSE(readAt(fhs.back(), 0, 100).empty());
    }
    EXPECT_EQ(backend.liveSessions().size(), 3u);
    fs().shutdown();
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, SessionLimitQueuesSixteenReaders) {
    options.maxSessionsPerDomain = 3;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int h = 0; h < 16; ++h) {
        threads.emplace_back([&, h] {
            char name[64];
            std::snprintf(name, sizeof name, "account/2017-07-10/%02d.json", h);
            // Small reads keep each session open a while, so readers overlap.
            if (readAll(name, 1024) ==
                backend.inflated("account", H("2017-07-10T00") + h, H("2017-07-10T00") + h))
                ok++;
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(ok.load(), 16);
    EXPECT_LE(backend.counters().maxLivePerDomain, 3);
    EXPECT_EQ(backend.counters().created, 16);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, ServiceLimitIsWaitedOut) {
    backend.failNext("create", at::ErrorKind::LimitReached, 429, 2);  // Retry-After: 1
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(readAll("account/2017-07-01.json"), dayJson("account", "2017-07-01"));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1900));
}

TEST_F(FsTest, ServiceLimitWaitIsBounded) {
    options.limitRetryBudget = std::chrono::milliseconds(1500);
    backend.failNext("create", at::ErrorKind::LimitReached, 429, 100);
    const uint64_t fh = open("account/2017-07-01.json");
    char buf[100];
    EXPECT_EQ(fs().read(fh, 0, sizeof buf, buf), -EIO);
    fs().release(fh);
}

// `download`: the call that fetches bytes ("download" for FileStream, "range" for the engine).
class FsFailureTest : public FsTest {
  protected:
    // `at`: with readEngine off, FileStream; else the engine.
    void readFailuresMapToErrnoAndRecover(const char* download, uint64_t at);
};

void FsFailureTest::readFailuresMapToErrnoAndRecover(const char* download, uint64_t at) {
    options.failureEcho = std::chrono::milliseconds(0);
    struct Case {
        at::ErrorKind kind;
        int status;
        const char* call;
        int err;
    };
    for (const Case& c : {Case{at::ErrorKind::Forbidden, 403, "create", EACCES},
                          Case{at::ErrorKind::Auth, 401, "create", EACCES},
                          Case{at::ErrorKind::NotFound, 404, download, ENOENT},
                          Case{at::ErrorKind::Network, 0, download, EIO},
                          Case{at::ErrorKind::Protocol, 200, download, EPROTO},
                          Case{at::ErrorKind::Server, 503, "create", EIO}}) {
        backend.failNext(c.call, c.kind, c.status);
        const uint64_t fh = open("account/2017-07-01.json");
        char buf[4096];
        EXPECT_EQ(fs().read(fh, at, sizeof buf, buf), -c.err) << at::errorKindName(c.kind);
        // The next read starts over and succeeds; no session is left behind.
        EXPECT_GT(fs().read(fh, at, sizeof buf, buf), 0);
        fs().release(fh);
        EXPECT_TRUE(backend.liveSessions().empty());
    }
}

TEST_F(FsFailureTest, ReadFailuresMapToErrnoAndRecover) {
    readFailuresMapToErrnoAndRecover("range", 100);
}

// A reader from 0 streams on FileStream (one session, inflated into the replies); its first
// far seek hands the file to the engine: the stream's session is deleted first, the bytes on
// both sides are exact, and only one session is live at a time.
TEST_F(FsTest, AFarSeekMovesAStreamingReaderToTheEngine) {
    options.streamFromStart = true;    // -o sequential=stream
    options.maxSessionsPerDomain = 1;  // the engine's lease needs the slot the stream held
    const std::string expected = dayJson("account", "2017-07-10");
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(readAt(fh, 0, 64 << 10), expected.substr(0, 64 << 10));
    EXPECT_EQ(readAt(fh, 64 << 10, 64 << 10), expected.substr(64 << 10, 64 << 10));
    EXPECT_EQ(backend.counters().created, 1);
    EXPECT_EQ(backend.counters().rangeDownloads, 0);
    const uint64_t far = expected.size() - 5000;
    EXPECT_EQ(readAt(fh, far, 4096), expected.substr(far, 4096));
    EXPECT_EQ(readAt(fh, 100, 4096), expected.substr(100, 4096));
    EXPECT_EQ(backend.counters().created, 2);
    EXPECT_GT(backend.counters().rangeDownloads, 0);
    EXPECT_LE(backend.liveSessions().size(), 1u);
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsFailureTest, ReadFailuresMapToErrnoAndRecoverSequential) {
    options.readEngine = false;
    readFailuresMapToErrnoAndRecover("download", 0);
    // FileStream checks what it inflates: bad bytes are EIO, not short data.
    backend.failNext("download", at::ErrorKind::Integrity, 0);
    const uint64_t fh = open("account/2017-07-01.json");
    char buf[4096];
    EXPECT_EQ(fs().read(fh, 0, sizeof buf, buf), -EIO);
    EXPECT_GT(fs().read(fh, 0, sizeof buf, buf), 0);
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, ReadsRightAfterAFailureFailAlikeWithoutANewSession) {
    options.readEngine = false;  // FileStream: the fallback, and files without an hour map
    options.failureEcho = std::chrono::milliseconds(300);
    backend.failNext("download", at::ErrorKind::Network, 0);
    const uint64_t fh = open("account/2017-07-01.json");
    char buf[4096];
    EXPECT_EQ(fs().read(fh, 0, sizeof buf, buf), -EIO);
    const int created = backend.counters().created;
    // The kernel's other requests of that moment, and its retry of the same page.
    EXPECT_EQ(fs().read(fh, 8192, sizeof buf, buf), -EIO);
    EXPECT_EQ(fs().read(fh, 0, sizeof buf, buf), -EIO);
    EXPECT_EQ(backend.counters().created, created);
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    EXPECT_GT(fs().read(fh, 0, sizeof buf, buf), 0);  // later reads start over
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

// The engine fetches an hour (a few KiB here) at a time: its downloads drop sooner.
TEST_F(FsTest, DroppedRangeIsEIONotShortData) {
    backend.failDownloadsAfter(1000);
    const uint64_t fh = open("account/2017-07-10.json");
    std::string buf(128 << 10, '\0');
    uint64_t off = 0;
    ssize_t r = 0;
    while ((r = fs().read(fh, off, buf.size(), buf.data())) > 0)
        off += uint64_t(r);
    EXPECT_EQ(r, -EIO);
    EXPECT_LT(off, dayJson("account", "2017-07-10").size());
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, DroppedDownloadIsEIONotShortData) {
    options.readEngine = false;
    backend.failDownloadsAfter(50000);
    const uint64_t fh = open("account/2017-07-10.json");
    std::string buf(128 << 10, '\0');
    uint64_t off = 0;
    ssize_t r = 0;
    while ((r = fs().read(fh, off, buf.size(), buf.data())) > 0)
        off += uint64_t(r);
    EXPECT_EQ(r, -EIO);
    EXPECT_LT(off, dayJson("account", "2017-07-10").size());
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, TodayGrowingUpdatesSizeAndInvalidates) {
    std::atomic<int> invalidations{0};
    fs().setInvalidator([&](uint64_t) { invalidations++; });
    const uint64_t before = sizeOf("account/2017-07-30.json");
    const uint64_t fh = open("account/2017-07-30.json");
    backend.addGeneratedEvents("account", {D(kToday), 5}, 20, 200, 9);  // arrives after open
    const std::string expected = dayJson("account", kToday);
    ASSERT_GT(expected.size(), before);
    std::string got, buf(4096, '\0');
    ssize_t r;
    while ((r = fs().read(fh, got.size(), buf.size(), buf.data())) > 0)
        got.append(buf.data(), size_t(r));
    fs().release(fh);
    EXPECT_EQ(got, expected);  // not truncated at the stale st_size
    EXPECT_GE(invalidations.load(), 1);
    EXPECT_EQ(sizeOf("account/2017-07-30.json"), expected.size());
}

TEST_F(FsTest, MemoryBudgetBoundsWindowsAndReadsStillWork) {
    options.readEngine = false;       // FileStream: the fallback, and files without an hour map
    options.memoryBudget = 64 << 10;  // room for one window
    options.budgetTimeout = std::chrono::milliseconds(100);
    const uint64_t a = open("account/2017-07-10.json");
    const uint64_t b = open("account/2017-07-10.json.gz");
    EXPECT_EQ(readAt(a, 0, 1000).size(), 1000u);
    EXPECT_EQ(fs().memoryUsed(), 64u << 10);
    // The second stream waits (bounded), then reads on without a window: still correct.
    const std::string raw = backend.rawGzip("account", H("2017-07-10T00"), H("2017-07-10T23"));
    EXPECT_EQ(readAt(b, 0, 5000), raw.substr(0, 5000));
    EXPECT_EQ(readAt(b, 100, 5000), raw.substr(100, 5000));  // backward: a restart, not the window
    EXPECT_LE(fs().memoryUsed(), 64u << 10);
    fs().release(a);
    fs().release(b);
    EXPECT_EQ(fs().memoryUsed(), 0u);
}

TEST_F(FsTest, UnknownSizeFallsBackToDirectIoAndLearnsTheSizeAtEof) {
    backend.setReportSizes(false);
    std::atomic<int> invalidations{0};
    fs().setInvalidator([&](uint64_t) { invalidations++; });
    EXPECT_EQ(sizeOf("account/2017-07-01.json"), 0u);
    OpenResult r;
    const uint64_t ino = walk("account/2017-07-01.json");
    ASSERT_EQ(fs().open(ino, O_RDONLY, r), 0);
    EXPECT_TRUE(r.directIo);
    fs().release(r.fh);
    const std::string expected = dayJson("account", "2017-07-01");
    EXPECT_EQ(readAll("account/2017-07-01.json", 1000), expected);
    EXPECT_GE(invalidations.load(), 1);
    EXPECT_EQ(sizeOf("account/2017-07-01.json"), expected.size());
    // Hours and hour-bound ranges too, though the index has no hours.
    EXPECT_EQ(readAll("account/2017-07-01/09.json"),
              backend.inflated("account", H("2017-07-01T09"), H("2017-07-01T09")));
    EXPECT_EQ(readAll("account/2017-07-01T05..2017-07-02T03.json"),
              backend.inflated("account", H("2017-07-01T05"), H("2017-07-02T03")));
}

TEST_F(FsTest, FarForwardSeekInOneSessionReadsOnWithoutANewSession) {
    options.readEngine = false;  // FileStream: the fallback, and files without an hour map
    const std::string expected = dayJson("account", "2017-07-10");
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(readAt(fh, 0, 4096), expected.substr(0, 4096));
    EXPECT_EQ(readAt(fh, 1200000, 4096), expected.substr(1200000, 4096));  // > skipAhead
    EXPECT_EQ(backend.counters().created, 1);
    // A far seek in raw mode resumes with a Range in a new session instead.
    const std::string raw = backend.rawGzip("account", H("2017-07-10T00"), H("2017-07-10T23"));
    const uint64_t gz = open("account/2017-07-10.json.gz");
    EXPECT_EQ(readAt(gz, 0, 4096), raw.substr(0, 4096));
    EXPECT_EQ(readAt(gz, raw.size() - 5000, 8192), raw.substr(raw.size() - 5000));
    EXPECT_EQ(backend.counters().downloads, 3);
    fs().release(fh);
    fs().release(gz);
}

TEST_F(FsTest, InterruptedReaderStopsQueueingWithEINTR) {
    options.maxSessionsPerDomain = 1;
    const uint64_t a = open("account/2017-07-10.json");
    ASSERT_EQ(readAt(a, 0, 1000).size(), 1000u);  // holds the domain's only slot
    const uint64_t b = open("account/2017-07-01.json");
    std::atomic<bool> interrupted{false};
    std::thread signal([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        interrupted = true;
    });
    char buf[100];
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(fs().read(b, 0, sizeof buf, buf, [&] { return interrupted.load(); }), -EINTR);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    signal.join();
    fs().release(a);
    EXPECT_EQ(fs().read(b, 0, sizeof buf, buf), ssize_t(sizeof buf));  // the slot is free now
    fs().release(b);
    EXPECT_TRUE(backend.liveSessions().empty());
}

TEST_F(FsTest, EventsArrivingAfterTheIndexAreReadToday) {
    // The dev space has no events today when its index is cached...
    EXPECT_EQ(sizeOf("spaces/acme/dev/2017-07-30.json"), 0u);
    EXPECT_EQ(sizeOf("spaces/acme/dev/2017-07-30T03..2017-07-30T06.json"), 0u);
    backend.addGeneratedEvents("g-dev", {D(kToday), 4}, 6, 120, 11);  // ...then some arrive
    EXPECT_EQ(readAll("spaces/acme/dev/2017-07-30.json"), dayJson("g-dev", kToday));
    EXPECT_EQ(readAll("spaces/acme/dev/2017-07-30T03..2017-07-30T06.json"),
              dayJson("g-dev", kToday));
    EXPECT_EQ(readAll("spaces/acme/dev/2017-07-30/04.json"), dayJson("g-dev", kToday));
    EXPECT_TRUE(backend.liveSessions().empty());
}

// Past days are page-cached: the window keeps only the bytes skipped over, which is what the
// kernel's readahead requests arriving out of order come back for.
TEST_F(FsTest, OutOfOrderReadaheadIsServedFromTheWindowWithoutARestart) {
    options.readEngine = false;  // FileStream: the fallback, and files without an hour map
    const std::string expected = dayJson("account", "2017-07-10");
    ASSERT_GT(expected.size(), 1000000u);
    constexpr size_t k = 8 << 10;  // the fixture's window is 64 KiB
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(readAt(fh, 0, k), expected.substr(0, k));
    EXPECT_EQ(readAt(fh, 2 * k, k), expected.substr(2 * k, k));  // ahead of its turn
    EXPECT_EQ(readAt(fh, 4 * k, k), expected.substr(4 * k, k));  // and again
    EXPECT_EQ(readAt(fh, k, k), expected.substr(k, k));          // the skipped ones
    EXPECT_EQ(readAt(fh, 3 * k, k), expected.substr(3 * k, k));
    EXPECT_EQ(readAt(fh, 5 * k, k), expected.substr(5 * k, k));
    EXPECT_EQ(fs().stats().skips.load(), 2u);
    EXPECT_EQ(fs().stats().windowReads.load(), 2u);
    EXPECT_EQ(fs().stats().restarts.load(), 0u);
    // Well past the skips the window stops copying: bytes handed out since are the page
    // cache's. Asked again (evicted), they come from a new download, still byte for byte.
    for (uint64_t off = 6 * k; off < 40 * k; off += k)
        ASSERT_EQ(readAt(fh, off, k), expected.substr(off, k));
    EXPECT_EQ(readAt(fh, 30 * k + 10, 5000), expected.substr(30 * k + 10, 5000));
    EXPECT_EQ(fs().stats().restarts.load(), 1u);
    fs().release(fh);
    EXPECT_TRUE(backend.liveSessions().empty());
}

// Today is direct I/O (no page cache): every byte read goes through the window, so `less`
// paging back and tail's probing do not re-download.
TEST_F(FsTest, DirectIoFilesServeBackwardReadsFromTheWindow) {
    const std::string expected = dayJson("account", kToday);
    ASSERT_GT(expected.size(), 1500u);
    OpenResult r;
    ASSERT_EQ(fs().open(walk("account/" + std::string(kToday) + ".json"), O_RDONLY, r), 0);
    ASSERT_TRUE(r.directIo);
    EXPECT_EQ(readAt(r.fh, 0, 1000), expected.substr(0, 1000));
    EXPECT_EQ(readAt(r.fh, 200, 500), expected.substr(200, 500));
    EXPECT_EQ(readAt(r.fh, 900, 600), expected.substr(900, 600));  // window, then the stream
    EXPECT_EQ(readAt(r.fh, 100, 1300), expected.substr(100, 1300));
    EXPECT_EQ(fs().stats().windowReads.load(), 3u);
    EXPECT_EQ(fs().stats().restarts.load(), 0u);
    fs().release(r.fh);
}
