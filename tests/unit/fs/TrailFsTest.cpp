// TrailFs metadata: layout, listings, names, errors, caches; no sessions from metadata.
#include <fcntl.h>
#include <sys/stat.h>

#include <set>

#include "MetadataCache.h"
#include "TestFs.h"

using namespace atfs;
using namespace atfs::test;

namespace {
std::set<std::string> names(const std::vector<DirEntry>& entries) {
    std::set<std::string> out;
    for (auto& e : entries)
        out.insert(e.name);
    return out;
}
}  // namespace

TEST_F(FsTest, RootAndSpaces) {
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(1, e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"account", "spaces", ".atfs", "by-date"}));
    ASSERT_EQ(fs().readdir(walk("spaces"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"acme", "beta"}));
    ASSERT_EQ(fs().readdir(walk("spaces/acme"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"dev", "prod"}));
    int err = 0;
    EXPECT_EQ(walk("spaces/acme/ops", &err), 0u);
    EXPECT_EQ(err, ENOENT);
    EXPECT_EQ(walk("spaces/nope", &err), 0u);
    EXPECT_EQ(err, ENOENT);
    EXPECT_EQ(walk("nope", &err), 0u);
    EXPECT_EQ(err, ENOENT);
}

TEST_F(FsTest, DomainListingMatchesStatus) {
    auto status = backend.status(at::Domain{"g-x", true}, std::nullopt, std::nullopt);
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk("account"), e), 0);
    std::set<std::string> expected{"today.json", "yesterday.json"};
    for (auto& d : status) {
        expected.insert(d.date.str() + ".json");
        expected.insert(d.date.str() + ".json.gz");
        expected.insert(d.date.str());
    }
    EXPECT_EQ(names(e), expected);
    for (auto& d : status) {
        EXPECT_EQ(sizeOf("account/" + d.date.str() + ".json"), d.size) << d.date.str();
        EXPECT_EQ(sizeOf("account/" + d.date.str() + ".json.gz"), d.gzipSize) << d.date.str();
    }
    ASSERT_EQ(fs().readdir(walk("spaces/acme/dev"), e), 0);
    EXPECT_EQ(names(e),
              (std::set<std::string>{"2017-07-20", "2017-07-20.json", "2017-07-20.json.gz",
                                     "2017-07-22", "2017-07-22.json", "2017-07-22.json.gz",
                                     "today.json", "yesterday.json"}));
    ASSERT_EQ(fs().readdir(walk("spaces/acme/prod"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"today.json", "yesterday.json"}));
}

TEST_F(FsTest, DayFolderListsItsHours) {
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk("account/2017-07-01"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"02.json", "02.json.gz", "09.json", "09.json.gz",
                                               "17.json", "17.json.gz"}));
    ASSERT_EQ(fs().readdir(walk("account/2017-07-10"), e), 0);
    EXPECT_EQ(e.size(), 48u);
    auto status = backend.status(at::Domain{"g-x", true}, D("2017-07-01"), D("2017-07-01"));
    for (auto& h : status.at(0).hours) {
        char name[16];
        std::snprintf(name, sizeof name, "%02d.json", h.hour);
        EXPECT_EQ(sizeOf(std::string("account/2017-07-01/") + name), h.size);
    }
    // A valid hour without events resolves to an empty file; 24 does not.
    EXPECT_EQ(sizeOf("account/2017-07-01/05.json"), 0u);
    int err = 0;
    EXPECT_EQ(walk("account/2017-07-01/24.json", &err), 0u);
    EXPECT_EQ(err, ENOENT);
}

TEST_F(FsTest, TodayAndYesterdayAreRelativeSymlinks) {
    std::string target;
    Attr a;
    ASSERT_EQ(fs().lookup(walk("account"), "today.json", a), 0);
    EXPECT_TRUE(S_ISLNK(a.mode));
    ASSERT_EQ(fs().readlink(a.ino, target), 0);
    EXPECT_EQ(target, "2017-07-30.json");
    ASSERT_EQ(fs().readlink(walk("spaces/acme/dev/yesterday.json"), target), 0);
    EXPECT_EQ(target, "2017-07-29.json");
    EXPECT_EQ(sizeOf("account/2017-07-30.json"), dayJson("account", "2017-07-30").size());
}

TEST_F(FsTest, InvalidNamesAreENOENT) {
    for (const char* bad :
         {"account/2017-02-30.json", "account/x..y.json", "account/2017-07-31..2017-07-01.json",
          "account/garbage", "account/2017-08-05.json", "account/2017-08-05",
          "account/2017-07-01/7.json", ".atfs/nope.json"}) {
        int err = 0;
        EXPECT_EQ(walk(bad, &err), 0u) << bad;
        EXPECT_EQ(err, ENOENT) << bad;
    }
}

TEST_F(FsTest, RangesResolveWithoutBeingListed) {
    EXPECT_EQ(sizeOf("account/2017-06-01..2017-06-15.json"),
              backend.inflated("account", H("2017-06-01T00"), H("2017-06-15T23")).size());
    EXPECT_EQ(sizeOf("account/2017-07-09T05..2017-07-11T03.json.gz"),
              backend.rawGzip("account", H("2017-07-09T05"), H("2017-07-11T03")).size());
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk("account"), e), 0);
    for (auto& d : e)
        EXPECT_EQ(d.name.find(".."), std::string::npos) << d.name;
}

TEST_F(FsTest, MetadataNeverCreatesSessions) {
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk("account"), e), 0);
    for (auto& d : e) {
        Attr a;
        ASSERT_EQ(fs().getattr(d.ino, a), 0);
        if (S_ISREG(a.mode)) {
            OpenResult r;
            ASSERT_EQ(fs().open(d.ino, O_RDONLY, r), 0) << d.name;
            fs().release(r.fh);
        }
    }
    const uint64_t fh = open("account/2017-06-01..2017-07-20.json");
    fs().release(fh);
    EXPECT_EQ(backend.counters().created, 0);
}

TEST_F(FsTest, AccountWithoutAccessIsEACCES) {
    backend.setSpaces(at::SpaceList{"auditor@example.com", false, {{"g-dev", "dev", "acme"}}});
    std::vector<DirEntry> e;
    const uint64_t account = walk("account");
    ASSERT_NE(account, 0u);
    EXPECT_EQ(fs().readdir(account, e), EACCES);
    Attr a;
    EXPECT_EQ(fs().lookup(account, "2017-07-01.json", a), EACCES);
    ASSERT_EQ(fs().readdir(walk("spaces/acme/dev"), e), 0);
}

TEST_F(FsTest, WarmListingCallsNoBackend) {
    auto lsR = [&] {
        std::vector<uint64_t> dirs{1};
        size_t files = 0;
        while (!dirs.empty()) {
            const uint64_t d = dirs.back();
            dirs.pop_back();
            std::vector<DirEntry> e;
            ASSERT_EQ(fs().readdir(d, e), 0);
            for (auto& x : e) {
                Attr a;
                ASSERT_EQ(fs().lookup(d, x.name, a), 0) << x.name;
                if (S_ISDIR(a.mode))
                    dirs.push_back(a.ino);
                else
                    files++;
            }
        }
        EXPECT_GT(files, 300u);
    };
    lsR();
    const int status = backend.statusCalls(), spaces = backend.spacesCalls();
    lsR();
    EXPECT_EQ(backend.statusCalls(), status);
    EXPECT_EQ(backend.spacesCalls(), spaces);
    EXPECT_EQ(backend.counters().created, 0);
    MetadataCache::requestFlushAll();  // what SIGHUP does
    lsR();
    EXPECT_GT(backend.statusCalls(), status);
    EXPECT_GT(backend.spacesCalls(), spaces);
}

TEST_F(FsTest, TodayHasShortTtlAndDirectIo) {
    Attr today, past;
    ASSERT_EQ(fs().getattr(walk("account/2017-07-30.json"), today), 0);
    ASSERT_EQ(fs().getattr(walk("account/2017-07-01.json"), past), 0);
    EXPECT_LE(today.ttl, 2.0);
    EXPECT_GE(past.ttl, 30.0);
    OpenResult r;
    ASSERT_EQ(fs().open(walk("account/2017-07-30.json"), O_RDONLY, r), 0);
    EXPECT_TRUE(r.directIo);
    fs().release(r.fh);
    ASSERT_EQ(fs().open(walk("account/2017-07-01..2017-07-30.json"), O_RDONLY, r), 0);
    EXPECT_TRUE(r.directIo);
    fs().release(r.fh);
    ASSERT_EQ(fs().open(walk("account/2017-07-01.json"), O_RDONLY, r), 0);
    EXPECT_FALSE(r.directIo);
    EXPECT_TRUE(r.keepCache);
    fs().release(r.fh);
}

TEST_F(FsTest, ReadOnly) {
    OpenResult r;
    const uint64_t ino = walk("account/2017-07-01.json");
    EXPECT_EQ(fs().open(ino, O_WRONLY, r), EROFS);
    EXPECT_EQ(fs().open(ino, O_RDWR, r), EROFS);
    EXPECT_EQ(fs().open(ino, O_RDONLY | O_TRUNC, r), EROFS);
    EXPECT_EQ(fs().open(walk("account"), O_RDONLY, r), EISDIR);
}

TEST_F(FsTest, ServiceErrorsMapToErrno) {
    // Each folder is walked to first and the caches dropped: a lookup dates a domain folder
    // by its index, so the injected failure must meet the listing.
    std::vector<DirEntry> e;
    uint64_t dir = walk("spaces/acme/dev");
    fs().flushCaches();
    fs().flushCaches();
    backend.failNext("status", at::ErrorKind::Forbidden, 403);
    EXPECT_EQ(fs().readdir(dir, e), EACCES);
    dir = walk("spaces/acme/prod");
    fs().flushCaches();
    backend.failNext("status", at::ErrorKind::Network, 0);
    EXPECT_EQ(fs().readdir(dir, e), EIO);
    fs().flushCaches();
    dir = walk("spaces");
    backend.failNext("spaces", at::ErrorKind::Auth, 401);
    EXPECT_EQ(fs().readdir(dir, e), EACCES);
    dir = walk("spaces/beta/ops");
    fs().flushCaches();
    backend.failNext("status", at::ErrorKind::Server, 500);
    EXPECT_EQ(fs().readdir(dir, e), EIO);
    EXPECT_EQ(fs().stats().errors.load(), 4u);
}

TEST_F(FsTest, ControlFiles) {
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk(".atfs"), e), 0);
    EXPECT_EQ(names(e),
              (std::set<std::string>{"status.json", "sessions.json", "stats.json", "metrics"}));
    const std::string status = readAll(".atfs/status.json");
    EXPECT_NE(status.find("\"demo@example.com\""), std::string::npos) << status;
    EXPECT_NE(status.find("spaces/acme/dev"), std::string::npos);
    EXPECT_NE(status.find("memory:"), std::string::npos);
    // A file mid-read shows up in sessions.json with its path.
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(readAt(fh, 0, 4096).size(), 4096u);
    const std::string sessions = readAll(".atfs/sessions.json");
    EXPECT_NE(sessions.find("account/2017-07-10.json"), std::string::npos) << sessions;
    fs().release(fh);
    EXPECT_EQ(readAll(".atfs/sessions.json"), "[]\n");
    const std::string stats = readAll(".atfs/stats.json");
    EXPECT_NE(stats.find("\"sessions_created\": 1"), std::string::npos) << stats;
    EXPECT_NE(stats.find("\"sessions_deleted\": 1"), std::string::npos) << stats;
}

// .atfs/metrics holds what stats.json has, the live sessions by domain and the histograms
// (the mount test parses it with prometheus_client and promtool).
TEST_F(FsTest, MetricsFile) {
    const uint64_t fh = open("account/2017-07-10.json");
    EXPECT_EQ(readAt(fh, 0, 4096).size(), 4096u);
    const std::string during = readAll(".atfs/metrics");
    EXPECT_NE(during.find("\natfs_live_sessions{domain=\"account\"} 1\n"), std::string::npos)
        << during;
    EXPECT_NE(during.find("\natfs_files_opened_total 1\n"), std::string::npos) << during;
    EXPECT_NE(during.find("\natfs_read_duration_seconds_count 1\n"), std::string::npos) << during;
    // One download per hour the engine fetched (it fetches ahead of the reader): at least one.
    EXPECT_NE(during.find("\natfs_download_first_byte_seconds_count "), std::string::npos)
        << during;
    EXPECT_EQ(during.find("\natfs_download_first_byte_seconds_count 0\n"), std::string::npos)
        << during;
    EXPECT_NE(during.find("# TYPE atfs_read_duration_seconds histogram\n"), std::string::npos);
    fs().release(fh);
    const std::string after = readAll(".atfs/metrics");
    EXPECT_EQ(after.find("atfs_live_sessions{"), std::string::npos) << after;
    EXPECT_NE(after.find("\natfs_sessions_deleted_total 1\n"), std::string::npos) << after;
    EXPECT_NE(after.find("atfs_read_duration_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos);
    // The fixture's mount has no disk cache: its gauges say so.
    EXPECT_NE(after.find("\natfs_disk_cache_max_bytes 0\n"), std::string::npos) << after;
}

// by-date/: domain=KEY/date=D/hour=HH/events.json[.gz], listed from the index, the same bytes
// as the domain folders' hour files, and no session for walking it.
TEST_F(FsTest, PartitionView) {
    std::vector<DirEntry> e;
    ASSERT_EQ(fs().readdir(walk("by-date"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"domain=account", "domain=g-dev", "domain=g-prod",
                                               "domain=g-ops"}));
    ASSERT_EQ(fs().readdir(walk("by-date/domain=g-dev"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"date=2017-07-20", "date=2017-07-22"}));
    ASSERT_EQ(fs().readdir(walk("by-date/domain=account/date=2017-07-09"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"hour=02", "hour=09", "hour=17"}));
    ASSERT_EQ(fs().readdir(walk("by-date/domain=account/date=2017-07-09/hour=09"), e), 0);
    EXPECT_EQ(names(e), (std::set<std::string>{"events.json", "events.json.gz"}));
    EXPECT_EQ(backend.counters().created, 0);
    EXPECT_EQ(readAll("by-date/domain=account/date=2017-07-09/hour=09/events.json"),
              readAll("account/2017-07-09/09.json"));
    EXPECT_EQ(readAll("by-date/domain=g-dev/date=2017-07-22/hour=23/events.json.gz"),
              readAll("spaces/acme/dev/2017-07-22/23.json.gz"));
    int err = 0;
    for (const char* bad :
         {"by-date/domain=nope", "by-date/g-dev", "by-date/domain=g-dev/date=2017-13-01",
          "by-date/domain=g-dev/date=2017-07-31",  // after today
          "by-date/domain=g-dev/date=2017-07-20/hour=24",
          "by-date/domain=g-dev/date=2017-07-20/hour=00/other.json"}) {
        EXPECT_EQ(walk(bad, &err), 0u) << bad;
        EXPECT_EQ(err, ENOENT) << bad;
    }
}
