// Which sessions serve a file's span, in order, and how big the file is. Pure.
// Whole days go in whole-day sessions of at most at::kMaxSessionDays (the service's limit,
// chained);
// partial days in one SearchTime session per hour; empty days and hours need none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "PathModel.h"
#include "at/ApiLimits.h"
#include "at/Types.h"

namespace atfs {

// A domain's days with events, by Date::days().
using DayIndex = std::map<int32_t, at::DayStatus>;

struct Segment {
    at::Date start;
    at::Date end;
    std::optional<int> hour;  // SearchTime
    uint64_t size = 0;        // inflated bytes, per the status
    uint64_t gzipSize = 0;

    uint64_t bytes(Format f) const { return f == Format::Json ? size : gzipSize; }
};

std::vector<Segment> planSegments(const DayIndex& index, HourSpan span,
                                  int maxDays = at::kMaxSessionDays);

uint64_t plannedSize(const std::vector<Segment>& plan, Format f);

// Days with events that have no per-hour sizes: their exact length is unknown.
bool sizesKnown(const DayIndex& index, HourSpan span);

}  // namespace atfs
