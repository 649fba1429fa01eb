#include "read/HourCache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "Log.h"
#include "read/CacheEntry.h"
#include "read/CacheFolder.h"

namespace atfs::read {
namespace {

bool writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        bytes.remove_prefix(size_t(n));
    }
    return true;
}

// Exactly n bytes at `at`, or false (an error, or a file shorter than its header said).
bool readAllAt(int fd, char* dst, size_t n, uint64_t at) {
    while (n > 0) {
        const ssize_t got = ::pread(fd, dst, n, off_t(at));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        dst += got;
        n -= size_t(got);
        at += uint64_t(got);
    }
    return true;
}

}  // namespace

struct HourCache::Impl {
    std::filesystem::path dir;
    UniqueFd dirFd;  // every entry is opened relative to it: a folder swapped later is not followed
    uint64_t maxBytes = 0;
    std::atomic<uint64_t> tempSequence{0};

    mutable std::mutex mu;       // guards everything below
    std::list<std::string> lru;  // entry names, most recently used first
    struct Entry {
        uint64_t bytes = 0;
        std::list<std::string>::iterator pos;
    };
    std::unordered_map<std::string, Entry> entries;
    CacheCounters counts;
    int64_t lastStampNs = 0;
    bool writeErrorLogged = false;

    // Strictly increasing use times: the kernel's file clock ticks every few ms, so two
    // uses in a row would otherwise tie and the order would be lost at the next start.
    timespec nextStampLocked() {
        const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        lastStampNs = std::max<int64_t>(now, lastStampNs + 1);
        return timespec{time_t(lastStampNs / 1'000'000'000), long(lastStampNs % 1'000'000'000)};
    }

    void useLocked(const std::string& name, uint64_t bytes) {
        auto it = entries.find(name);
        if (it == entries.end()) {
            lru.push_front(name);
            entries.emplace(name, Entry{bytes, lru.begin()});
        } else {
            lru.splice(lru.begin(), lru, it->second.pos);
            counts.bytes -= it->second.bytes;
            it->second.bytes = bytes;
        }
        counts.bytes += bytes;
        counts.entries = entries.size();
    }

    // Counts whatever is under `name` now, as just used: the file a get read may have been
    // replaced by a put meanwhile (renames happen under mu, so this sees the last one).
    void observeLocked(const std::string& name) {
        struct stat st {};
        if (::fstatat(dirFd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            useLocked(name, uint64_t(st.st_size));
        else
            forgetLocked(name);
    }

    void forgetLocked(const std::string& name) {
        auto it = entries.find(name);
        if (it == entries.end())
            return;
        counts.bytes -= it->second.bytes;
        lru.erase(it->second.pos);
        entries.erase(it);
        counts.entries = entries.size();
    }

    // Removes least recently used entries (never `keep`) until `keep` holding `incoming`
    // bytes (instead of what it holds now) fits within maxBytes. Under mu, so two puts cannot both
    // count the same room.
    void evictLocked(uint64_t incoming, const std::string& keep) {
        auto kept = entries.find(keep);
        const uint64_t keptBytes = kept == entries.end() ? 0 : kept->second.bytes;
        auto it = lru.end();
        while (counts.bytes - keptBytes + incoming > maxBytes && it != lru.begin()) {
            --it;
            if (*it == keep)
                continue;
            const std::string victim = *it;
            it = std::next(it);
            if (::unlinkat(dirFd.get(), victim.c_str(), 0) != 0 && errno != ENOENT)
                logLine("cache folder " + dir.string() + ": could not remove " + victim + " (" +
                        errnoText(errno) + ")");
            forgetLocked(victim);
            ++counts.evictions;
        }
    }

    void writeFailedLocked(const std::string& what, int error) {
        if (writeErrorLogged)
            return;
        writeErrorLogged = true;
        logLine("cache folder " + dir.string() + ": " + what + " failed (" + errnoText(error) +
                "); entries are skipped until a write succeeds, reads fetch from the service");
    }

    // Deletes `name` if it is still the file that failed the check (another mount may have
    // replaced it since with a good entry), and counts it.
    void discard(const std::string& name, const struct stat& bad, const std::string& why,
                 bool stale) {
        struct stat now {};
        if (::fstatat(dirFd.get(), name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
            now.st_dev == bad.st_dev && now.st_ino == bad.st_ino)
            ::unlinkat(dirFd.get(), name.c_str(), 0);
        if (!stale)
            logLine("cache entry " + (dir / name).string() + " is corrupt (" + why +
                    "): discarded, the hour is fetched again");
        std::lock_guard lock(mu);
        observeLocked(name);  // gone, or another mount's new entry
        ++(stale ? counts.stale : counts.corrupt);
    }

    std::optional<CachedHour> load(const HourKey& key);
    void store(const std::string& name, const std::string& header, std::string_view gzip,
               std::string_view index);
    void learnEntries();
};

std::optional<CachedHour> HourCache::Impl::load(const HourKey& key) {
    const std::string name = key.fileName();
    // O_NONBLOCK: a FIFO planted under an entry name must not block the read.
    UniqueFd fd(
        ::openat(dirFd.get(), name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    struct stat st {};
    if (!fd) {
        const int error = errno;
        if (error == ELOOP) {  // a symlink under an entry name: never followed, removed
            if (::fstatat(dirFd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
                discard(name, st, "a symbolic link", false);
        } else {
            if (error != ENOENT)
                logDebug("cache entry " + (dir / name).string() + ": " + errnoText(error));
            std::lock_guard lock(mu);
            observeLocked(name);  // removed or never there (another mount may have evicted it)
        }
        return std::nullopt;
    }
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        discard(name, st, "not a regular file", false);
        return std::nullopt;
    }
    const uint64_t fileBytes = uint64_t(st.st_size);
    std::string head(std::min<uint64_t>(fileBytes, kMaxHeaderBytes), '\0');
    if (!readAllAt(fd.get(), head.data(), head.size(), 0)) {
        discard(name, st, "unreadable header", false);
        return std::nullopt;
    }
    const auto header = parseEntryHeader(head);
    if (!header) {
        discard(name, st, "bad header", false);
        return std::nullopt;
    }
    if (!sameHour(header->key, key)) {
        discard(name, st, "holds another hour", false);
        return std::nullopt;
    }
    if (!sameKey(header->key, key)) {  // late events changed the hour: an old copy
        discard(name, st, "", true);
        return std::nullopt;
    }
    if (fileBytes != header->fileLength()) {
        discard(name, st,
                "length " + std::to_string(fileBytes) + " instead of " +
                    std::to_string(header->fileLength()),
                false);
        return std::nullopt;
    }
    CachedHour hour;
    hour.gzip.resize(header->gzipLength);
    hour.index.resize(header->indexLength);
    if (!readAllAt(fd.get(), hour.gzip.data(), hour.gzip.size(), header->headerLength) ||
        !readAllAt(fd.get(), hour.index.data(), hour.index.size(),
                   header->headerLength + header->gzipLength) ||
        !partsMatch(*header, hour.gzip, hour.index)) {
        discard(name, st, "CRC32 mismatch", false);
        return std::nullopt;
    }
    hour.gzipCrc = header->gzipCrc;
    timespec stamp{};
    {
        std::lock_guard lock(mu);
        stamp = nextStampLocked();
        observeLocked(name);
        // An entry another mount wrote may take this view over the bound.
        if (auto it = entries.find(name); it != entries.end())
            evictLocked(it->second.bytes, name);
    }
    // The use time is the entry's mtime, so the LRU order survives a remount.
    const timespec times[2] = {{0, UTIME_OMIT}, stamp};
    ::futimens(fd.get(), times);
    return hour;
}

// No fsync: a crash can leave a renamed entry whose bytes never reached the disk, but its
// header and parts carry CRC32s, so such a torn entry fails the check, is deleted and the
// hour fetched again. Skipping fsync keeps a put from waiting on the disk's flush.
void HourCache::Impl::store(const std::string& name, const std::string& header,
                            std::string_view gzip, std::string_view index) {
    const uint64_t total = header.size() + gzip.size() + index.size();
    const std::string temp = temporaryName(name, tempSequence++);
    UniqueFd fd(::openat(dirFd.get(), temp.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        const int error = errno;
        std::lock_guard lock(mu);
        writeFailedLocked("creating " + temp, error);
        return;
    }
    // Exactly 0600 whatever the umask (which can only have narrowed it).
    bool ok = ::fchmod(fd.get(), 0600) == 0 && writeAll(fd.get(), header) &&
              writeAll(fd.get(), gzip) && writeAll(fd.get(), index);
    int error = errno;
    if (ok && ::close(fd.release()) != 0) {
        ok = false;
        error = errno;
    }
    std::lock_guard lock(mu);
    if (ok) {
        const timespec times[2] = {{0, UTIME_OMIT}, nextStampLocked()};
        ::utimensat(dirFd.get(), temp.c_str(), times, AT_SYMLINK_NOFOLLOW);
        evictLocked(total, name);  // before the rename: the bound holds once it is visible
        if (::renameat(dirFd.get(), temp.c_str(), dirFd.get(), name.c_str()) == 0) {
            useLocked(name, total);
            ++counts.writes;
            writeErrorLogged = false;
            return;
        }
        error = errno;
    }
    ::unlinkat(dirFd.get(), temp.c_str(), 0);
    writeFailedLocked("writing " + temp, error);
}

// Removes leftovers of interrupted writes and learns the entries there, oldest use first.
void HourCache::Impl::learnEntries() {
    const std::vector<FolderEntry> found = listCacheFolder(dirFd.get(), dir);
    std::lock_guard lock(mu);
    for (const FolderEntry& f : found) {
        useLocked(f.name, f.bytes);
        lastStampNs =
            std::max<int64_t>(lastStampNs, int64_t(f.used.tv_sec) * 1'000'000'000 + f.used.tv_nsec);
    }
    evictLocked(0, {});  // the bound may be smaller than at the last mount
}

std::unique_ptr<HourCache> HourCache::open(std::filesystem::path dir, uint64_t maxBytes,
                                           std::string& whyNot) {
    auto folder = openCacheFolder(dir, whyNot);
    if (!folder)
        return nullptr;
    auto impl = std::make_unique<Impl>();
    impl->dir = std::move(dir);
    impl->dirFd = std::move(*folder);
    impl->maxBytes = maxBytes;
    impl->learnEntries();
    return std::unique_ptr<HourCache>(new HourCache(std::move(impl)));
}

namespace {
std::unique_ptr<HourCache> openOrThrow(std::filesystem::path dir, uint64_t maxBytes) {
    std::string whyNot;
    auto cache = HourCache::open(std::move(dir), maxBytes, whyNot);
    if (!cache)
        throw std::runtime_error(whyNot);
    return cache;
}
}  // namespace

HourCache::HourCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HourCache::HourCache(std::filesystem::path dir, uint64_t maxBytes)
    : impl_(std::move(openOrThrow(std::move(dir), maxBytes)->impl_)) {}

HourCache::~HourCache() = default;

std::optional<CachedHour> HourCache::get(const HourKey& key) {
    std::optional<CachedHour> hour;
    try {
        hour = impl_->load(key);
    } catch (const std::exception& e) {  // bad_alloc: a miss, the hour is fetched
        logLine("cache: reading " + key.fileName() + " failed: " + e.what());
    }
    std::lock_guard lock(impl_->mu);
    ++(hour ? impl_->counts.hits : impl_->counts.misses);
    return hour;
}

bool HourCache::has(const HourKey& key) const {
    const std::string name = key.fileName();
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->entries.count(name))
            return true;
    }
    // Written by another mount sharing the folder since this one started.
    struct stat st {};
    return ::fstatat(impl_->dirFd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st.st_mode);
}

void HourCache::put(const HourKey& key, std::string_view gzip, std::string_view index) {
    try {
        // What parseEntryHeader would refuse: a caller's mistake, never written.
        if (gzip.size() != key.gzipSize || key.domain.size() > kMaxDomainBytes || key.hour < 0 ||
            key.hour > 23 || key.day < at::Date::earliest() || key.day > at::Date::latest()) {
            logLine("cache: not storing " + key.fileName() + ": " + std::to_string(gzip.size()) +
                    " gzip bytes for a gzip size of " + std::to_string(key.gzipSize) +
                    " (or the key is out of range)");
            return;
        }
        const std::string header = encodeEntryHeader(key, gzip, index);
        if (header.size() + gzip.size() + index.size() > impl_->maxBytes)
            return;  // larger than the whole cache (or the cache holds nothing: maxBytes 0)
        impl_->store(key.fileName(), header, gzip, index);
    } catch (const std::exception& e) {  // bad_alloc: the cache is only a cache
        logLine(std::string("cache: an entry is skipped: ") + e.what());
    }
}

void HourCache::updateIndex(const HourKey& key, std::string_view index) {
    try {
        auto hour = impl_->load(key);
        if (hour && hour->index != index)
            put(key, hour->gzip, index);
    } catch (const std::exception& e) {
        logLine(std::string("cache: an index update is skipped: ") + e.what());
    }
}

CacheCounters HourCache::counters() const {
    std::lock_guard lock(impl_->mu);
    return impl_->counts;
}

const std::filesystem::path& HourCache::dir() const {
    return impl_->dir;
}

}  // namespace atfs::read
