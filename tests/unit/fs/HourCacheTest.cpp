// The disk cache of downloaded hours: an entry is served only when every check passes (a
// flipped, truncated, lengthened or foreign file is deleted and counted), the size bound
// holds under churn with the least recently used out first (an order that survives a new
// instance), modes are 0700/0600 whatever the umask, and two instances sharing the folder
// (as four mounts do) stay safe. Real files in a temp folder; nothing waits.
#include "read/HourCache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

#include "read/CacheEntry.h"

namespace atfs::read {
namespace {

namespace fs = std::filesystem;

HourKey key(int hour, uint64_t gzipSize, uint64_t count = 7, std::string domain = "account") {
    HourKey k;
    k.domain = std::move(domain);
    k.day = *at::Date::parse("2017-07-10");
    k.hour = hour;
    k.count = count;
    k.size = gzipSize * 9;
    k.gzipSize = gzipSize;
    return k;
}

// Bytes that differ by key, so a mixed-up entry shows.
std::string gzipOf(const HourKey& k) {
    std::string s(k.gzipSize, '\0');
    uint32_t x = uint32_t(k.hour * 2654435761u + k.count * 40503u + k.gzipSize);
    for (char& c : s) {
        x = x * 1103515245u + 12345u;
        c = char(x >> 24);
    }
    return s;
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void writeFile(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

mode_t modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

class HourCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/hourcache-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root = pattern;
        dir = root / "cache";
    }
    void TearDown() override { fs::remove_all(root); }

    // Bytes of entry files (the bound's measure) and the names of all files.
    uint64_t entryBytes() const {
        uint64_t total = 0;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".hour")
                total += e.file_size();
        return total;
    }
    std::vector<std::string> temporaries() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().filename().string().starts_with(".tmp."))
                out.push_back(e.path().filename());
        return out;
    }
    static uint64_t entrySize(const HourKey& k, size_t indexBytes) {
        return kHeaderFixedBytes + k.domain.size() + k.gzipSize + indexBytes;
    }

    fs::path root;
    fs::path dir;
};

TEST_F(HourCacheTest, RoundTrip) {
    HourCache cache(dir, 1 << 20);
    const HourKey k = key(3, 5000);
    EXPECT_FALSE(cache.get(k));
    cache.put(k, gzipOf(k), "index-blob");
    auto hit = cache.get(k);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->gzip, gzipOf(k));
    EXPECT_EQ(hit->index, "index-blob");
    const CacheCounters c = cache.counters();
    EXPECT_EQ(c.hits, 1u);
    EXPECT_EQ(c.misses, 1u);
    EXPECT_EQ(c.writes, 1u);
    EXPECT_EQ(c.entries, 1u);
    EXPECT_EQ(c.bytes, entrySize(k, 10));
    EXPECT_EQ(c.bytes, entryBytes());

    cache.updateIndex(k, "a longer index blob");
    hit = cache.get(k);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->gzip, gzipOf(k));
    EXPECT_EQ(hit->index, "a longer index blob");
    EXPECT_EQ(cache.counters().bytes, entryBytes());
}

TEST(CacheEntry, Crc32IsTheGzipOne) {
    EXPECT_EQ(crc32Of("123456789"), 0xCBF43926u);  // the CRC-32 check value
    EXPECT_EQ(crc32Of(""), 0u);
}

TEST(CacheEntry, HeaderRoundTrip) {
    HourKey k = key(17, 1234, 99, "0f1e2d3c-aaaa-bbbb-cccc-0123456789ab");
    const std::string gzip = gzipOf(k), index = "points";
    const std::string header = encodeEntryHeader(k, gzip, index);
    ASSERT_EQ(header.size(), kHeaderFixedBytes + k.domain.size());
    auto parsed = parseEntryHeader(header + gzip);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(sameKey(parsed->key, k));
    EXPECT_EQ(parsed->fileLength(), header.size() + gzip.size() + index.size());
    EXPECT_TRUE(partsMatch(*parsed, gzip, index));
    EXPECT_FALSE(partsMatch(*parsed, gzip, "pointz"));
    EXPECT_FALSE(parseEntryHeader(header.substr(0, header.size() - 1)));
}

TEST_F(HourCacheTest, FileNamesAreSafePathComponents) {
    HourKey k = key(0, 10, 1, "../a/b\n\xff.");
    const std::string name = k.fileName();
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_FALSE(name.starts_with("."));
    EXPECT_NE(name, key(0, 10, 1, "..%2Fa").fileName());
    k.domain = std::string(1000, '/');
    EXPECT_LT(k.fileName().size(), 255u);
    EXPECT_NE(k.fileName(), key(0, 10, 1, std::string(999, '/')).fileName());
    EXPECT_EQ(key(5, 10).fileName(), key(5, 99, 3).fileName()) << "one name per (domain, hour)";
}

// Each damage is written over a good entry; the get must refuse it, delete it, count it,
// and the next put/get must work again.
struct Damage {
    const char* what;
    void (*apply)(std::string& file, size_t headerBytes, size_t gzipBytes);
};

TEST_F(HourCacheTest, DamagedEntriesAreDeletedCountedAndNeverServed) {
    const Damage damages[] = {
        {"a flipped gzip byte", [](std::string& f, size_t h, size_t) { f[h + 100] ^= 1; }},
        {"a flipped index byte", [](std::string& f, size_t h, size_t g) { f[h + g + 2] ^= 0x40; }},
        {"a flipped header byte", [](std::string& f, size_t, size_t) { f[30] ^= 1; }},
        {"a flipped header CRC", [](std::string& f, size_t h, size_t) { f[h - 1] ^= 1; }},
        {"a gzip length resealed",
         [](std::string& f, size_t, size_t) { f[48] ^= 1, resealEntryHeader(f); }},
        {"a truncated file", [](std::string& f, size_t, size_t) { f.pop_back(); }},
        {"a file cut inside the header", [](std::string& f, size_t, size_t) { f.resize(40); }},
        {"an empty file", [](std::string& f, size_t, size_t) { f.clear(); }},
        {"trailing junk", [](std::string& f, size_t, size_t) { f += "junk"; }},
        {"another version", [](std::string& f, size_t, size_t) { f[8] = 2, resealEntryHeader(f); }},
    };
    HourCache cache(dir, 1 << 20);
    const HourKey k = key(4, 3000);
    const fs::path file = dir / k.fileName();
    uint64_t corrupt = 0;
    for (const Damage& d : damages) {
        SCOPED_TRACE(d.what);
        cache.put(k, gzipOf(k), "index");
        std::string bytes = readFile(file);
        ASSERT_EQ(bytes.size(), entrySize(k, 5));
        d.apply(bytes, kHeaderFixedBytes + k.domain.size(), k.gzipSize);
        writeFile(file, bytes);
        EXPECT_FALSE(cache.get(k));
        EXPECT_EQ(cache.counters().corrupt, ++corrupt);
        EXPECT_FALSE(fs::exists(file));
        EXPECT_EQ(cache.counters().bytes, 0u);
        cache.put(k, gzipOf(k), "index");
        ASSERT_TRUE(cache.get(k));
    }
}

TEST_F(HourCacheTest, LateEventsChangeTheKeyAndTheOldCopyIsNotServed) {
    HourCache cache(dir, 1 << 20);
    const HourKey before = key(9, 4000, 10);
    HourKey after = before;  // same name: one more event
    after.count = 11;
    after.size += 300;
    cache.put(before, gzipOf(before), "");
    EXPECT_FALSE(cache.get(after));
    EXPECT_EQ(cache.counters().stale, 1u);
    EXPECT_EQ(cache.counters().misses, 1u);
    EXPECT_EQ(cache.counters().corrupt, 0u);
    EXPECT_FALSE(fs::exists(dir / before.fileName()));

    after.gzipSize = 4100;  // only the gzip size differs
    cache.put(after, gzipOf(after), "");
    HourKey other = after;
    other.gzipSize = 4101;
    EXPECT_FALSE(cache.get(other));
    EXPECT_EQ(cache.counters().stale, 2u);
}

TEST_F(HourCacheTest, AnEntryOfAnotherHourUnderTheNameIsCorrupt) {
    HourCache cache(dir, 1 << 20);
    const HourKey a = key(1, 2000), b = key(2, 2000);
    cache.put(a, gzipOf(a), "");
    fs::rename(dir / a.fileName(), dir / b.fileName());
    EXPECT_FALSE(cache.get(b));
    EXPECT_EQ(cache.counters().corrupt, 1u);
    EXPECT_FALSE(fs::exists(dir / b.fileName()));
}

TEST_F(HourCacheTest, ASymlinkUnderAnEntryNameIsNotFollowed) {
    HourCache cache(dir, 1 << 20);
    const HourKey k = key(1, 2000);
    cache.put(k, gzipOf(k), "");
    fs::rename(dir / k.fileName(), root / "elsewhere");
    fs::create_symlink(root / "elsewhere", dir / k.fileName());
    EXPECT_FALSE(cache.get(k));
    EXPECT_EQ(cache.counters().corrupt, 1u);
    EXPECT_FALSE(fs::is_symlink(dir / k.fileName()));
    EXPECT_TRUE(fs::exists(root / "elsewhere"));
}

TEST_F(HourCacheTest, SizeBoundHoldsUnderChurnAndRecentlyReadEntriesSurvive) {
    constexpr uint64_t kBound = 1 << 20;
    HourCache cache(dir, kBound);
    const HourKey hot = key(23, 50'000, 1, "hot");
    cache.put(hot, gzipOf(hot), "");
    std::mt19937 rng(11);
    for (int i = 0; i < 3000; ++i) {
        // Up to 20 puts of <= 20 KB between two reads of the hot entry: it must survive.
        const HourKey k = key(i % 24, 1 + rng() % 20'000, 1, "d" + std::to_string(i % 150));
        cache.put(k, gzipOf(k), std::string(rng() % 64, 'i'));
        const uint64_t onDisk = entryBytes();
        ASSERT_LE(onDisk, kBound) << "after put " << i;
        ASSERT_EQ(cache.counters().bytes, onDisk) << "after put " << i;
        if (i % 20 == 0) {
            ASSERT_TRUE(cache.get(hot)) << "the hot entry was evicted at put " << i;
        }
    }
    const CacheCounters c = cache.counters();
    EXPECT_GT(c.evictions, 1000u);
    EXPECT_EQ(c.writes, 3001u);
    EXPECT_TRUE(temporaries().empty());
}

TEST_F(HourCacheTest, AnEntryLargerThanTheBoundIsNotStored) {
    HourCache cache(dir, 10'000);
    const HourKey small = key(1, 1000), big = key(2, 10'000);
    cache.put(small, gzipOf(small), "");
    cache.put(big, gzipOf(big), "");
    EXPECT_FALSE(cache.get(big));
    EXPECT_TRUE(cache.get(small)) << "a put that cannot fit must not evict others";
}

TEST_F(HourCacheTest, MaxBytesZeroStoresNothing) {
    HourCache cache(dir, 0);
    const HourKey k = key(1, 10);
    cache.put(k, gzipOf(k), "");
    EXPECT_FALSE(cache.get(k));
    EXPECT_EQ(cache.counters().writes, 0u);
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(HourCacheTest, LruOrderSurvivesANewInstance) {
    const HourKey a = key(1, 1000), b = key(2, 1000), c = key(3, 1000), d = key(4, 1000);
    const uint64_t bound = 3 * entrySize(a, 0);
    {
        HourCache cache(dir, bound);
        cache.put(a, gzipOf(a), "");
        cache.put(b, gzipOf(b), "");
        cache.put(c, gzipOf(c), "");
        ASSERT_TRUE(cache.get(a));  // b is now the least recently used
    }
    HourCache again(dir, bound);
    EXPECT_EQ(again.counters().entries, 3u);
    EXPECT_EQ(again.counters().bytes, bound);
    again.put(d, gzipOf(d), "");
    EXPECT_FALSE(fs::exists(dir / b.fileName()));
    EXPECT_TRUE(again.get(a));
    EXPECT_TRUE(again.get(c));
    EXPECT_TRUE(again.get(d));
}

TEST_F(HourCacheTest, ASmallerBoundAtStartEvictsTheOldestEntries) {
    const HourKey a = key(1, 1000), b = key(2, 1000), c = key(3, 1000);
    {
        HourCache cache(dir, 1 << 20);
        cache.put(a, gzipOf(a), "");
        cache.put(b, gzipOf(b), "");
        cache.put(c, gzipOf(c), "");
    }
    HourCache smaller(dir, entrySize(a, 0));
    EXPECT_EQ(smaller.counters().entries, 1u);
    EXPECT_EQ(smaller.counters().evictions, 2u);
    EXPECT_TRUE(smaller.get(c));
}

TEST_F(HourCacheTest, ModesAre0700And0600WhateverTheUmask) {
    for (mode_t mask : {mode_t(0), mode_t(022), mode_t(0277)}) {
        SCOPED_TRACE(mask);
        fs::remove_all(root / "x");
        const mode_t old = ::umask(mask);
        {
            const fs::path nested = root / "x" / "y" / "atfs";
            HourCache cache(nested, 1 << 20);
            const HourKey k = key(1, 100);
            cache.put(k, gzipOf(k), "");
            ::umask(old);
            EXPECT_EQ(modeOf(nested), 0700u);
            EXPECT_EQ(modeOf(root / "x" / "y"), 0700u & ~mask);
            EXPECT_EQ(modeOf(nested / k.fileName()), 0600u);
            EXPECT_TRUE(cache.get(k));
        }
        ::umask(old);
    }
}

TEST_F(HourCacheTest, AWiderFolderIsTightened) {
    fs::create_directories(dir);
    ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
    HourCache cache(dir, 1 << 20);
    EXPECT_EQ(modeOf(dir), 0700u);
}

TEST_F(HourCacheTest, ASymlinkedFolderIsRefused) {
    fs::create_directories(root / "real");
    fs::create_symlink(root / "real", dir);
    std::string whyNot;
    EXPECT_EQ(HourCache::open(dir, 1 << 20, whyNot), nullptr);
    EXPECT_NE(whyNot.find("symbolic link"), std::string::npos) << whyNot;
    EXPECT_NE(whyNot.find(dir.string()), std::string::npos) << whyNot;
    EXPECT_THROW(HourCache(dir, 1 << 20), std::runtime_error);
}

TEST_F(HourCacheTest, AFolderOfAnotherUserIsRefused) {
    fs::create_directories(dir);
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to give the folder to another user";
    ASSERT_EQ(::chown(dir.c_str(), 4242, 4242), 0);
    std::string whyNot;
    EXPECT_EQ(HourCache::open(dir, 1 << 20, whyNot), nullptr);
    EXPECT_NE(whyNot.find("uid 4242"), std::string::npos) << whyNot;
}

TEST_F(HourCacheTest, AFileInPlaceOfTheFolderIsRefused) {
    writeFile(dir, "not a folder");
    std::string whyNot;
    EXPECT_EQ(HourCache::open(dir, 1 << 20, whyNot), nullptr);
    EXPECT_NE(whyNot.find(dir.string()), std::string::npos) << whyNot;
}

TEST_F(HourCacheTest, LeftoversOfInterruptedWritesAreRemovedAtStart) {
    fs::create_directories(dir);
    const std::string deadPid = dir / ".tmp.999999999.0.account_2017-07-10T01.hour";
    const std::string oldOwn = dir / (".tmp." + std::to_string(::getpid()) + ".5.x.hour");
    const std::string freshOwn = dir / (".tmp." + std::to_string(::getpid()) + ".6.x.hour");
    const std::string garbled = dir / ".tmp.garbled";
    for (const auto& p : {deadPid, oldOwn, freshOwn, garbled})
        writeFile(p, "half an entry");
    writeFile(dir / "NOTES", "not ours");
    const timespec hourAgo[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, oldOwn.c_str(), hourAgo, 0), 0);
    HourCache cache(dir, 1 << 20);
    EXPECT_FALSE(fs::exists(deadPid));
    EXPECT_FALSE(fs::exists(oldOwn));
    EXPECT_FALSE(fs::exists(garbled));
    EXPECT_TRUE(fs::exists(freshOwn)) << "a live process's write in progress is left alone";
    EXPECT_TRUE(fs::exists(dir / "NOTES"));
    EXPECT_EQ(cache.counters().entries, 0u);
}

TEST_F(HourCacheTest, AFailedWriteSkipsTheEntryWithoutThrowing) {
    HourCache cache(dir, 1 << 20);
    const HourKey k = key(1, 100'000), small = key(2, 100);
    // RLIMIT_FSIZE makes write() fail with EFBIG, as a full disk fails with ENOSPC.
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    rlimit tight = old;
    tight.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tight), 0);
    EXPECT_NO_THROW(cache.put(k, gzipOf(k), ""));
    EXPECT_NO_THROW(cache.put(k, gzipOf(k), ""));
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
    EXPECT_FALSE(cache.get(k));
    EXPECT_TRUE(temporaries().empty());
    EXPECT_EQ(cache.counters().writes, 0u);
    cache.put(small, gzipOf(small), "");
    EXPECT_TRUE(cache.get(small));
}

TEST_F(HourCacheTest, AnotherInstanceRemovingOrReplacingEntries) {
    HourCache first(dir, 1 << 20);
    const HourKey a = key(1, 3000), b = key(2, 3000);
    first.put(a, gzipOf(a), "");
    first.put(b, gzipOf(b), "");
    // A second mount with a small bound evicts what the first wrote.
    HourCache second(dir, entrySize(a, 0) + 10);
    EXPECT_EQ(second.counters().entries, 1u);
    EXPECT_FALSE(first.get(a));
    EXPECT_TRUE(first.get(b));
    EXPECT_EQ(first.counters().corrupt, 0u);
    EXPECT_EQ(first.counters().entries, 1u);
    EXPECT_EQ(first.counters().bytes, entryBytes());
    // It replaces b after late events: the first, with the old status, does not serve it...
    HourKey newer = b;
    newer.count += 1;
    second.put(newer, gzipOf(newer), "");
    EXPECT_FALSE(first.get(b));
    EXPECT_EQ(first.counters().stale, 1u);
    // ... and it is deleted outright.
    second.put(newer, gzipOf(newer), "");
    fs::remove(dir / newer.fileName());
    EXPECT_FALSE(second.get(newer));
    EXPECT_EQ(second.counters().entries, 0u);
    EXPECT_EQ(second.counters().corrupt, 0u);
}

TEST_F(HourCacheTest, AnEntryAnotherInstanceWroteCountsOnceRead) {
    const HourKey a = key(1, 3000), b = key(2, 3000);
    const uint64_t one = entrySize(a, 0);
    HourCache first(dir, one + 10);
    HourCache second(dir, 1 << 20);
    first.put(a, gzipOf(a), "");
    second.put(b, gzipOf(b), "");
    EXPECT_EQ(first.counters().entries, 1u) << "b is not in the first's view until read";
    ASSERT_TRUE(first.get(b));
    // Reading b brought the first's view over its bound: a, least recently used, went.
    EXPECT_EQ(first.counters().entries, 1u);
    EXPECT_EQ(first.counters().bytes, one);
    EXPECT_FALSE(fs::exists(dir / a.fileName()));
}

TEST_F(HourCacheTest, AKeyTheHeaderCannotHoldIsNotStored) {
    HourCache cache(dir, 1 << 20);
    HourKey wrongSize = key(1, 100);
    cache.put(wrongSize, gzipOf(wrongSize) + "x", "");
    HourKey hour24 = key(24, 100);
    cache.put(hour24, gzipOf(hour24), "");
    HourKey longDomain = key(1, 100, 1, std::string(kMaxDomainBytes + 1, 'd'));
    cache.put(longDomain, gzipOf(longDomain), "");
    HourKey year10000 = key(1, 100);
    year10000.day = at::Date::latest().plusDays(1);
    cache.put(year10000, gzipOf(year10000), "");
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(HourCacheTest, UpdateIndexOfAMissingEntryWritesNothing) {
    HourCache cache(dir, 1 << 20);
    cache.updateIndex(key(1, 100), "points");
    EXPECT_TRUE(fs::is_empty(dir));
    EXPECT_EQ(cache.counters().writes, 0u);
}

TEST_F(HourCacheTest, ConcurrentPutsAndGetsServeOnlyWholeEntries) {
    constexpr uint64_t kBound = 200'000;
    HourCache cache(dir, kBound);
    std::vector<HourKey> keys;
    for (int i = 0; i < 12; ++i)
        keys.push_back(key(i, 2000 + i * 1500));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            std::mt19937 rng(t);
            for (int i = 0; i < 400; ++i) {
                const HourKey& k = keys[rng() % keys.size()];
                if (rng() % 2) {
                    cache.put(k, gzipOf(k), rng() % 2 ? "short" : "a longer index");
                } else if (auto hit = cache.get(k)) {
                    if (hit->gzip != gzipOf(k) ||
                        (hit->index != "short" && hit->index != "a longer index"))
                        ++wrong;
                }
                if (rng() % 50 == 0)
                    cache.updateIndex(k, "short");
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_LE(entryBytes(), kBound);
    EXPECT_EQ(cache.counters().bytes, entryBytes());
    EXPECT_EQ(cache.counters().corrupt, 0u);
    EXPECT_TRUE(temporaries().empty());
}

TEST(DefaultCacheDir, FollowsXdgThenHome) {
    const char* oldXdg = std::getenv("XDG_CACHE_HOME");
    const char* oldHome = std::getenv("HOME");
    const std::string savedXdg = oldXdg ? oldXdg : "", savedHome = oldHome ? oldHome : "";
    ::setenv("XDG_CACHE_HOME", "/x/cache", 1);
    ::setenv("HOME", "/home/u", 1);
    EXPECT_EQ(defaultCacheDir(), fs::path("/x/cache/atfs"));
    ::setenv("XDG_CACHE_HOME", "relative", 1);
    EXPECT_EQ(defaultCacheDir(), fs::path("/home/u/.cache/atfs"));
    ::unsetenv("XDG_CACHE_HOME");
    EXPECT_EQ(defaultCacheDir(), fs::path("/home/u/.cache/atfs"));
    ::unsetenv("HOME");
    const fs::path fromPasswd = defaultCacheDir();
    EXPECT_TRUE(fromPasswd.empty() ||
                (fromPasswd.is_absolute() && fromPasswd.string().ends_with("/.cache/atfs")))
        << fromPasswd;
    oldXdg ? (void)::setenv("XDG_CACHE_HOME", savedXdg.c_str(), 1)
           : (void)::unsetenv("XDG_CACHE_HOME");
    oldHome ? (void)::setenv("HOME", savedHome.c_str(), 1) : (void)::unsetenv("HOME");
}

}  // namespace
}  // namespace atfs::read
