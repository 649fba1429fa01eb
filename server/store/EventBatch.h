// Turning an ingest body into stored form: validate every line, re-serialize it compactly,
// group by UTC hour and sort each hour by eventTime; and merging two sorted hours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/Store.h"

namespace atd {

// Throws IngestError (1-based line number, why) for the first bad line. Hours ascending.
std::vector<HourLines> parseIngestBatch(std::string_view jsonLines);

// eventTime of a line already stored by atd; throws std::runtime_error if it has none.
int64_t storedEventTime(std::string_view line);

// Merges two eventTime-sorted runs of stored lines; on equal times `older` lines come first.
std::string mergeByEventTime(std::string_view older, std::string_view newer);

int64_t hourIndexOf(int64_t eventTimeMicros);  // floor(micros / 1 hour)
at::HourStamp hourStampOf(int64_t eventTimeMicros);

}  // namespace atd
