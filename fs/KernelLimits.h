// How many requests the kernel may have in flight to atfs, and how many libfuse workers
// may serve them: the two limits a reader queued for a session slot counts against.
//
// Page-cache reads reach atfs as FUSE *background* requests (readahead with async_read),
// which the kernel caps at max_background (12 by default). A reader queued on the session
// gate holds its request and the worker serving it until a slot frees; with 12 such readers
// the readers that own the sessions could no longer send their next request, nobody freed a
// slot, and every reader waited out the gate timeout (issue 10: -P40 over 22 files with
// max_sessions=1 stopped at 131072 bytes). A queued reader holds one request (it sleeps on
// its first page, so no further readahead starts) and one worker; so both limits must stay
// above the readers that may queue, plus what the owners and lookups need:
//   kMaxWorkers > kMaxBackground > queued readers + owners' readahead.
// Unprivileged mounts are capped by /proc/sys/fs/fuse/max_user_bgreq (thousands on any
// machine with a few GB); max_background is 16 bits in the protocol.
#pragma once

namespace atfs {

constexpr unsigned kMaxBackground = 1024;
// The kernel marks the connection congested from here and then skips async readahead:
// near the cap only, so queued readers do not slow the owners' readahead down.
constexpr unsigned kCongestionThreshold = kMaxBackground * 7 / 8;
// A worker per background request, and 64 for lookups, getattrs and direct-I/O reads.
// Idle workers above kIdleWorkers exit, so the count follows the load.
constexpr unsigned kMaxWorkers = kMaxBackground + 64;
constexpr unsigned kIdleWorkers = 24;

}  // namespace atfs
