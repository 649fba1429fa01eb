// Downloaded hours on local disk, so a past day read again (after the page cache dropped it,
// after a remount) creates no session: each (domain, hour)'s gzip bytes and its HourIndex.
// Keyed by the hour's status (count, size, gzip size), so late events change the key and are
// never served stale. Under $XDG_CACHE_HOME/atfs (or -o cache_dir=): folder 0700, files 0600,
// bounded by -o cache_size= (least recently used out first), each entry written to a
// temporary name and renamed, and checked before use (its own CRC32 over the bytes, the
// status sizes): a corrupt or truncated entry is deleted and counted, never served.
// Thread-safe. Today's current hour is never put (the caller's rule).
//
// Several mounts of one user may share the folder (each its own HourCache): an entry another
// process removed is a miss, one it replaced is checked like any other. The bound is per
// process view: each process counts the entries it found at start, wrote, or read, and
// evicts among those; entries other processes wrote since are not counted until read, so
// N mounts sharing a folder can hold up to about N times the bound between them. A mount
// started with a smaller bound evicts down to it at start, whoever wrote the entries
// (maxBytes 0 stores nothing and empties the folder: -o cache=off should not open one).
// The format of an entry file is in read/CacheEntry.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "at/Time.h"

namespace atfs::read {

struct HourKey {
    std::string domain;  // domainKey(): "account" or the space GUID
    at::Date day;
    int hour = 0;
    uint64_t count = 0;
    uint64_t size = 0;
    uint64_t gzipSize = 0;
    std::string fileName() const;  // one name per key, safe as a path component
};

struct CachedHour {
    std::string gzip;      // gzipSize bytes, checked
    std::string index;     // HourIndex::serialize(), checked (may be empty)
    uint32_t gzipCrc = 0;  // CRC32 of gzip, as checked
};

struct CacheCounters {
    uint64_t bytes = 0;  // on disk now
    uint64_t entries = 0;
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t corrupt = 0;    // entries discarded by the check
    uint64_t stale = 0;      // entries discarded because the hour's status changed (also misses)
    uint64_t evictions = 0;  // entries removed to stay under the bound
    uint64_t writes = 0;
};

class HourCache {
  public:
    // Creates the folder (0700, tightened if wider), forgets leftovers of interrupted writes,
    // and learns the entries already there (their order by mtime, for the LRU).
    // Throws std::runtime_error (the message of open()) when the folder is refused.
    HourCache(std::filesystem::path dir, uint64_t maxBytes);
    // The same, for a mount: nullptr and one line in `whyNot` (which folder, why, what to do)
    // when the folder cannot be used (a symlink, another owner, not a folder, no permission);
    // the mount then runs with the cache off.
    static std::unique_ptr<HourCache> open(std::filesystem::path dir, uint64_t maxBytes,
                                           std::string& whyNot);
    ~HourCache();

    std::optional<CachedHour> get(const HourKey& key);
    // An entry for the key is there (not checked: get() may still find it corrupt).
    bool has(const HourKey& key) const;
    // Atomically; evicts the least recently used entries to stay within maxBytes. Errors
    // (a full disk) are logged once and the entry is skipped: the cache is only a cache.
    void put(const HourKey& key, std::string_view gzip, std::string_view index);
    // Replaces the index of an entry already there (more access points learned).
    void updateIndex(const HourKey& key, std::string_view index);
    CacheCounters counters() const;
    const std::filesystem::path& dir() const;

  private:
    struct Impl;
    explicit HourCache(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// $XDG_CACHE_HOME/atfs if set and absolute, else $HOME/.cache/atfs, else the passwd home's
// .cache/atfs; empty when there is none (open() then refuses it).
std::filesystem::path defaultCacheDir();

}  // namespace atfs::read
