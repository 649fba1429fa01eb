// Timestamps from the data, never from the clock: a file's mtime is its newest event, a
// folder's the newest of its children, so `tar`, `rsync` and `find -newer` see a change only
// when content changed. Pure: the day index in, seconds since the epoch out.
#pragma once

#include <cstdint>

#include "PathModel.h"
#include "SessionPlan.h"

namespace atfs {

// The newest event in `span`. A service that does not report `newest` dates an hour by its
// last second; a span without events by its first second (stable, and before any event).
int64_t newestInSpan(const DayIndex& index, HourSpan span);

// The newest event of the whole domain, or `empty` when it holds none.
int64_t newestInDomain(const DayIndex& index, int64_t empty);

}  // namespace atfs
