// Every size the read engine works with, named and explained in one place (as mountpoint-s3's
// prefetch/ does). Measured on the 2-core machine: ISA-L inflates ~1 GB/s per core, zlib
// ~300 MB/s; one hour of the 1 GB day is ~42 MB inflated, ~5 MB of gzip.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace atfs::read::sizes {

// A block: the unit of inflated output held in memory, cut at access points (member starts,
// and inner points ~1 MiB apart once an hour is indexed). 1 MiB inflates in ~1 ms with ISA-L:
// big enough that a pool task's overhead is noise, small enough that a random 4 KiB read
// costs one of them and neighbouring reads cost nothing.
constexpr uint64_t kBlockBytes = 1 << 20;

// A random read's block ends this far past the read (aligned): inflating from the access point
// up to the read costs ~0.5 ms on average anyway; a little more serves its neighbours.
constexpr uint64_t kRandomTail = 256 << 10;

// An hour whose bytes are not yet verified is cut at member starts only (a member's bytes are
// served only after its trailer checked out). A member longer than this is not held whole in
// memory: the hour is indexed once (zlib over it, which checks it and records points every
// HourIndex::kPointSpan) and cut at points instead. That pass runs at zlib's speed (~1/3 of
// ISA-L's), so the bound trades a sequential reader's speed for its memory: the 1 GB day's
// members are ~12 MB on average (86 of them), and 32 MiB keeps nearly all of them on ISA-L
// with about three in flight per stream. (EngineContext::maxMemberBlock; tests lower it.)
constexpr uint64_t kMaxMemberBlock = 32 << 20;

// Random reads keep the last this many blocks (least recently used out): a 4 KiB read next
// to an earlier one is a copy. 8 MiB of memory per file at most.
constexpr size_t kBlockLru = 8;

// A read counts as sequential (and starts the look-ahead) when it starts within this of where
// the previous one ended: the kernel's readahead sends a file's requests slightly out of order.
constexpr uint64_t kSequentialSlack = 2 << 20;

// Blocks a sequential reader already passed are kept this long behind it (requests that
// arrive late, a small backward seek) and then dropped.
constexpr uint64_t kKeepBehind = 1 << 20;

// Gzip bytes of its hours a file keeps in memory: the hour being read, the one fetched ahead,
// and those random reads return to (~5 MB an hour on the 1 GB day: about 6 of its hours).
// An hour dropped is read again from the disk cache (or fetched again). At least
// kMinHoursKept are kept whatever their size (the reader's and the one ahead).
constexpr uint64_t kGzipKeptBytes = 32 << 20;
constexpr size_t kMinHoursKept = 2;
// An hour's index (its access points, with their 32 KiB windows: ~3 % of its inflated size
// once indexed) outlives its gzip bytes, so an hour read again starts from its points at once;
// the bytes read again must have the same CRC32 for it to be used.

// How often a wait (for another thread's download, an indexing pass, a block) checks whether
// the read was interrupted or the file abandoned: abandon() answers well within a second.
constexpr std::chrono::milliseconds kWaitPoll{50};

}  // namespace atfs::read::sizes
