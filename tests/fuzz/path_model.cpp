// File names looked up inside an atfs domain folder (any bytes a program passes to open()).
// Contract: a name that resolves is the one atfs would write for what it means, and spans
// are ordered.
#include "FuzzCheck.h"
#include "PathModel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view name = fuzz::text(data, size);
    if (auto entry = atfs::parseDomainEntry(name)) {
        using Kind = atfs::DomainEntry::Kind;
        switch (entry->kind) {
            case Kind::DayFile:
                fuzz::require(
                    atfs::dayFileName(entry->file.span.firstDay(), entry->file.format) == name,
                    "a day file name does not print back", name);
                fuzz::require(entry->file.span.coversWholeDay(entry->file.span.firstDay()),
                              "a day file that does not cover its day", name);
                break;
            case Kind::DayDir:
                fuzz::require(entry->day.str() == name, "a day folder name does not print back",
                              name);
                break;
            case Kind::Range:
                fuzz::require(entry->file.isRange, "a range name not marked as a range", name);
                fuzz::require(entry->file.span.first <= entry->file.span.last,
                              "a range whose start is after its end", name);
                fuzz::require(entry->file.span.first >= 0, "a range before 1970", name);
                break;
            case Kind::TodayLink:
            case Kind::YesterdayLink:
                break;
        }
    }
    const at::Date day(17372);
    if (auto hour = atfs::parseHourEntry(day, name)) {
        fuzz::require(hour->span.first == hour->span.last, "an hour file spanning several hours",
                      name);
        const int h = int(hour->span.first - int64_t(day.days()) * 24);
        fuzz::require(h >= 0 && h <= 23, "an hour file outside its day", name);
        fuzz::require(atfs::hourFileName(h, hour->format) == name,
                      "an hour file name does not print back", name);
    }
    return 0;
}
