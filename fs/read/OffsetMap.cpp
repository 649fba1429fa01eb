#include "read/OffsetMap.h"

#include <algorithm>

namespace atfs::read {

// Why addition is enough: atd pins a session as the hour files of its days in day order, hours
// 0 to 23 within a day, each cut at the gzipSize the status reports for it, and skips hours
// whose gzipSize is 0 (Store::pin, server/store/Store.cpp); the download route streams exactly
// those pinned bytes back to back (OpenSnapshot::readAt, server/service/DownloadRoute.cpp), and
// Store::status reports the same per-hour entries. So a session's download is its hours' gzip
// bytes, day then hour, and each hour starts where the ones before it end. The real service is
// taken to do the same (the premise); the engine checks it on every session
// (segmentGzipSize) and every hour (it must inflate to exactly its size).

namespace {

// What an hour of the status says, as far as the map is concerned.
enum class HourSizes { Empty, Known, Unknown };

HourSizes sizesOf(const at::HourStatus& h) {
    if (h.gzipSize == 0)  // not in the download (Store::pin skips it)
        return h.count == 0 && h.size == 0 ? HourSizes::Empty : HourSizes::Unknown;
    if (h.count > 0 && h.size == 0)
        return HourSizes::Unknown;  // events whose inflated size was not reported
    return HourSizes::Known;
}

}  // namespace

std::optional<OffsetMap> OffsetMap::build(const std::vector<Segment>& plan, const DayIndex& index,
                                          Format format) {
    OffsetMap map;
    map.format_ = format;
    uint64_t fileOffset = 0;
    for (size_t seg = 0; seg < plan.size(); ++seg) {
        const Segment& segment = plan[seg];
        uint64_t raw = 0;
        uint64_t inflated = 0;
        for (auto it = index.lower_bound(segment.start.days());
             it != index.end() && it->first <= segment.end.days(); ++it) {
            const at::DayStatus& day = it->second;
            if (day.count == 0 && day.size == 0 && day.gzipSize == 0)
                continue;
            if (day.hours.empty())
                return std::nullopt;  // events, but no per-hour sizes to place them
            std::vector<at::HourStatus> hours = day.hours;
            std::sort(hours.begin(), hours.end(),
                      [](const auto& a, const auto& b) { return a.hour < b.hour; });
            for (const at::HourStatus& h : hours) {
                if (segment.hour && h.hour != *segment.hour)
                    continue;
                const HourSizes sizes = sizesOf(h);
                if (sizes == HourSizes::Unknown)
                    return std::nullopt;
                if (sizes == HourSizes::Empty)
                    continue;
                HourPiece piece{day.date,   h.hour, h.count, h.size,
                                h.gzipSize, seg,    raw,     fileOffset};
                raw += h.gzipSize;
                inflated += h.size;
                fileOffset += piece.length(format);
                map.pieces_.push_back(piece);
            }
        }
        // The segment's sizes come from the days' totals (or the hour's): hours that do not
        // add up to them mean the status disagrees with itself, and no offset can be trusted.
        if (raw != segment.gzipSize || inflated != segment.size)
            return std::nullopt;
        map.segmentGzip_.push_back(raw);
    }
    map.size_ = fileOffset;
    return map;
}

size_t OffsetMap::locate(uint64_t fileOffset) const {
    if (fileOffset >= size_)
        return pieces_.size();
    // The last piece starting at or before the offset: it holds it (pieces of length 0, whose
    // start equals the next piece's, are passed over by taking the last of equal starts).
    const auto after =
        std::upper_bound(pieces_.begin(), pieces_.end(), fileOffset,
                         [](uint64_t offset, const HourPiece& p) { return offset < p.fileOffset; });
    return size_t(after - pieces_.begin()) - 1;
}

uint64_t OffsetMap::segmentGzipSize(size_t seg) const {
    return seg < segmentGzip_.size() ? segmentGzip_[seg] : 0;
}

}  // namespace atfs::read
