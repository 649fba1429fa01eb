// One open file's in-memory state, shared by the engine and its inflate tasks: per hour
// piece its gzip bytes and index (while kept), whether every byte was verified, and where
// its blocks start; and the blocks of inflated output.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "read/HourIndex.h"

namespace atfs::read {

struct HourState {
    enum class St { Absent, Loading, Ready };
    St st = St::Absent;
    uint64_t gen = 0;  // bumped at each load: a task's result for an older load is dropped
    std::shared_ptr<const std::string> gz;
    std::shared_ptr<HourIndex> index;
    // Every byte checked: from the cache (checked when put), indexed by zlib, or every
    // member inflated whole with its trailer checked.
    bool verified = false;
    bool indexed = false;   // a zlib pass recorded points every HourIndex::kPointSpan
    bool indexing = false;  // that pass is running in the pool
    bool fromNetwork = false;
    bool toStore = false;  // verified since fetched: put it in the cache
    bool inCache = false;  // the cache holds it (pointsSaved of its points)
    size_t pointsSaved = 0;
    std::vector<uint64_t> splits;  // block starts within the hour, from 0
    std::set<uint64_t> checked;    // not verified yet: member blocks whose trailers checked out
    std::string failed;            // why its bytes disagree with the map (then: fallback)
    uint64_t lastUse = 0;
    uint32_t gzCrc = 0;  // CRC32 of gz
};

// What an hour dropped from memory leaves behind: its index and checks, for bytes read again
// with the same CRC32.
struct HourMemo {
    std::shared_ptr<HourIndex> index;
    uint32_t gzCrc = 0;
    bool verified = false;
    bool indexed = false;
    bool inCache = false;
    size_t pointsSaved = 0;  // of index's points, in the cache's copy
};

struct Block {
    size_t piece = 0;
    uint64_t start = 0, end = 0;  // inflated offsets within the hour
    bool ready = false;
    bool failed = false;
    bool ahead = false;    // made for a sequential reader (dropped once it passed)
    bool started = false;  // being inflated (a reader takes over one still queued in the pool)
    uint64_t gen = 0;      // of the hour's load whose bytes it is made from
    std::unique_ptr<char[]> data;  // end - start bytes (not zeroed first: written whole)
    uint64_t held = 0;             // bytes drawn from the memory budget
    uint64_t lastUse = 0;
};

// Where blocks start: member starts, and (verified) inner points at least half a block apart.
std::vector<uint64_t> blockSplits(const HourIndex& index, bool verified);
// [start, end) of the split interval holding `off`.
std::pair<uint64_t, uint64_t> intervalOf(const std::vector<uint64_t>& splits, uint64_t size,
                                         uint64_t off);
// The longest interval between splits.
uint64_t longestInterval(const std::vector<uint64_t>& splits, uint64_t size);

// Inflates [start, end) of the hour into `out`; false with `why` when the bytes do not inflate
// to what the index says. Reading up to a member's end checks its trailer; up to the hour's
// end checks the last one.
bool inflateRange(const std::string& gz, const std::shared_ptr<HourIndex>& index, uint64_t start,
                  uint64_t end, std::unique_ptr<char[]>& out, std::string& why);
// The zlib pass over the whole hour: checks every member and records points.
uint32_t crcOf(const std::string& gz);
// The zlib pass over [from, to) (member starts, or the hour's end): checks the members it
// covers and records their points.
bool indexRange(const std::string& gz, const std::shared_ptr<HourIndex>& index, uint64_t from,
                uint64_t to, std::string& why);
bool indexHour(const std::string& gz, const std::shared_ptr<HourIndex>& index, std::string& why);

}  // namespace atfs::read
