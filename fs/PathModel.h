// Names inside a domain folder <-> what they mean: days, hours, ranges, formats.
// Pure functions: no I/O, no clock (callers pass "today"), so every form is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "at/Time.h"

namespace atfs {

// An inclusive span of UTC hours, as HourStamp::index() values.
struct HourSpan {
    int64_t first = 0;
    int64_t last = 0;

    static HourSpan ofDay(at::Date d) {
        return {int64_t(d.days()) * 24, int64_t(d.days()) * 24 + 23};
    }
    static HourSpan ofHour(at::HourStamp h) { return {h.index(), h.index()}; }
    at::Date firstDay() const { return at::Date(int32_t(first / 24)); }
    at::Date lastDay() const { return at::Date(int32_t(last / 24)); }
    bool coversWholeDay(at::Date d) const;
    friend bool operator==(const HourSpan&, const HourSpan&) = default;
};

enum class Format { Json, JsonGz };

// A data file: the events of a span, inflated (.json) or as the service sends them (.json.gz).
struct FileName {
    HourSpan span;
    Format format = Format::Json;
    bool isRange = false;  // START..END names resolve but are never listed
};

// What a name directly inside a domain folder is.
struct DomainEntry {
    enum class Kind { DayFile, DayDir, Range, TodayLink, YesterdayLink } kind;
    FileName file;  // DayFile, Range
    at::Date day;   // DayDir
};

// Parses "2017-07-25.json[.gz]", "2017-07-25", "today.json", "yesterday.json",
// "A..B.json[.gz]" (A, B each YYYY-MM-DD or YYYY-MM-DDTHH, inclusive, A <= B).
std::optional<DomainEntry> parseDomainEntry(std::string_view name);

// Parses "HH.json[.gz]" (two digits, 00..23) inside the folder of `day`.
std::optional<FileName> parseHourEntry(at::Date day, std::string_view name);

std::string dayFileName(at::Date d, Format f);  // "2017-07-25.json"
std::string hourFileName(int hour, Format f);   // "07.json"
const char* formatSuffix(Format f);             // ".json" / ".json.gz"

}  // namespace atfs
