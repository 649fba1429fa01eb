// The per-day index.json of one domain: for every stored hour, its current generation file
// and the numbers status and pin report, so neither ever inflates.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atd {

struct HourEntry {
    uint64_t generation = 0;  // the hour's current file is hourFileName(hour, generation)
    uint64_t count = 0;
    uint64_t size = 0;      // inflated bytes
    uint64_t gzipSize = 0;  // bytes of the current file that belong to the index
    int64_t maxEventTimeMicros = 0;
    // When late events (older than maxEventTime) last changed the hour: its content moved
    // without its newest event moving, and status must still date the change.
    int64_t mergedAtMicros = 0;
    int64_t changedMicros() const { return std::max(maxEventTimeMicros, mergedAtMicros); }
    friend bool operator==(const HourEntry&, const HourEntry&) = default;
};

struct DayIndex {
    std::array<std::optional<HourEntry>, 24> hours{};

    bool empty() const;
    std::string toJson() const;
    // Throws std::runtime_error naming `origin` when the text is not a valid index.
    static DayIndex fromJson(std::string_view text, const std::string& origin);
};

// "07.g3.gz"
std::string hourFileName(int hour, uint64_t generation);
struct HourFileName {
    int hour = 0;
    uint64_t generation = 0;
};
std::optional<HourFileName> parseHourFileName(std::string_view name);

}  // namespace atd
