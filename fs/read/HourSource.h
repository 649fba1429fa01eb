// Where one open file's hour pieces come from: the disk cache (no session), or one Range
// request on its segment's session. The file holds one lease at a time (moving to another
// segment releases it, keeping the gate slot, as FileStream does); several threads may
// download on it at once. Checks the session against the map before the first download.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "FileStream.h"
#include "read/HourCache.h"
#include "read/OffsetMap.h"

namespace atfs::read {

struct EngineContext;

// fetch()'s answer besides 0 and -errno: the service disagrees with the map (`why` says how);
// the file goes back to FileStream.
constexpr int kMismatch = 1;

struct FetchedHour {
    std::string gzip;
    std::string index;  // HourIndex::serialize() from the cache; empty from the network
    bool fromCache = false;
    uint32_t gzipCrc = 0;  // from the cache: the CRC32 it checked
};

class HourSource {
  public:
    HourSource(EngineContext& ctx, at::Domain domain, std::string file, std::vector<Segment> plan,
               const OffsetMap& map);
    ~HourSource();

    HourKey keyOf(const HourPiece& piece) const;
    // 0, kMismatch (with `why`), or -errno (logged; -EINTR when cancelled or abandoned).
    int fetch(const HourPiece& piece, FetchedHour& out, std::string& why,
              const FileStream::Cancelled& cancelled);
    // Downloads in progress stop (their fetch returns -EINTR).
    void abandon();
    // Gives the lease to the reaper (never under a lock of ours); waits for downloads.
    void release();
    int sessionsCreated() const;

  private:
    int useSession(size_t seg, std::string& id, std::string& why,
                   const FileStream::Cancelled& cancelled);
    void doneWithSession();
    int download(const std::string& id, const HourPiece& piece, std::string& gz, std::string& why);

    EngineContext& ctx_;
    const at::Domain domain_;
    const std::string domainKey_;
    const std::string file_;
    const std::vector<Segment> plan_;
    const OffsetMap& map_;
    std::vector<uint64_t> segmentSize_;  // inflated bytes per segment, per the map

    mutable std::mutex leaseMu_;  // over a lease's create, never over a download or a DELETE
    std::condition_variable leaseFree_;
    SessionLease lease_;
    size_t leaseSeg_ = 0;
    int users_ = 0;            // downloads on lease_ in progress
    GateSlot slot_;            // kept from one segment's lease to the next
    bool slotWaiter_ = false;  // a reader of this file is in line for a slot (leaseMu_ released)
    std::string deleting_;     // the last session released on the way to another segment
    int sessionsCreated_ = 0;

    std::mutex cancelMu_;
    std::set<at::DownloadStream*> streams_;  // in progress, for abandon()
    uint64_t abandons_ = 0;
};

}  // namespace atfs::read
