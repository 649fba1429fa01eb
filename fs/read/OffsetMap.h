// Where each byte of a data file comes from, known before any byte arrives. A session's
// download is its hours' gzip bytes in order, and the status gives every hour's inflated and
// gzip size, so the file is a run of hour pieces whose offsets (in the file, and in their
// session's download) follow by addition. The map is checked as bytes arrive (ReadEngine):
// a session whose gzip size differs, or an hour that does not inflate to its size, sends
// the file back to the sequential path (FileStream), never to wrong bytes. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "PathModel.h"
#include "SessionPlan.h"

namespace atfs::read {

struct HourPiece {
    at::Date day;
    int hour = 0;
    uint64_t count = 0;       // events, per the status
    uint64_t size = 0;        // inflated bytes, per the status
    uint64_t gzipSize = 0;    // its bytes in the download
    size_t segment = 0;       // index in the file's plan: the session that downloads it
    uint64_t rawOffset = 0;   // where its gzip bytes start in that session's download
    uint64_t fileOffset = 0;  // where its bytes start in the file (inflated for .json, raw for .gz)
    uint64_t length(Format f) const { return f == Format::Json ? size : gzipSize; }
};

class OffsetMap {
  public:
    // nullopt when some hour's sizes are unknown (a day without per-hour status, a size 0
    // with events): that file is read sequentially, as before.
    static std::optional<OffsetMap> build(const std::vector<Segment>& plan, const DayIndex& index,
                                          Format format);

    Format format() const { return format_; }
    const std::vector<HourPiece>& pieces() const { return pieces_; }
    // The piece holding `fileOffset`; pieces().size() at or past the end.
    size_t locate(uint64_t fileOffset) const;
    uint64_t size() const { return size_; }  // the file's length
    // What segment `seg`'s session must report as its gzipSize for the map to hold.
    uint64_t segmentGzipSize(size_t seg) const;

  private:
    Format format_ = Format::Json;
    std::vector<HourPiece> pieces_;
    std::vector<uint64_t> segmentGzip_;
    uint64_t size_ = 0;
};

}  // namespace atfs::read
