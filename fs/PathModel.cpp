#include "PathModel.h"

#include <cstdio>

namespace atfs {

bool HourSpan::coversWholeDay(at::Date d) const {
    const HourSpan day = ofDay(d);
    return first <= day.first && day.last <= last;
}

const char* formatSuffix(Format f) {
    return f == Format::Json ? ".json" : ".json.gz";
}

std::string dayFileName(at::Date d, Format f) {
    return d.str() + formatSuffix(f);
}

std::string hourFileName(int hour, Format f) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", hour);
    return std::string(buf) + formatSuffix(f);
}

namespace {

// Strips ".json.gz" or ".json"; nullopt when neither ends the name.
std::optional<std::pair<std::string_view, Format>> splitFormat(std::string_view name) {
    constexpr std::string_view gz = ".json.gz", js = ".json";
    if (name.size() > gz.size() && name.ends_with(gz))
        return std::pair{name.substr(0, name.size() - gz.size()), Format::JsonGz};
    if (name.size() > js.size() && name.ends_with(js))
        return std::pair{name.substr(0, name.size() - js.size()), Format::Json};
    return std::nullopt;
}

// A range bound: a date (its first or last hour, by `isEnd`) or an exact hour stamp.
std::optional<int64_t> parseBound(std::string_view text, bool isEnd) {
    if (text.size() == 10) {
        auto d = at::Date::parse(text);
        if (!d)
            return std::nullopt;
        HourSpan s = HourSpan::ofDay(*d);
        return isEnd ? s.last : s.first;
    }
    if (text.size() == 13) {
        auto h = at::HourStamp::parse(text);
        if (!h)
            return std::nullopt;
        return h->index();
    }
    return std::nullopt;
}

}  // namespace

std::optional<DomainEntry> parseDomainEntry(std::string_view name) {
    if (name == "today.json")
        return DomainEntry{DomainEntry::Kind::TodayLink, {}, {}};
    if (name == "yesterday.json")
        return DomainEntry{DomainEntry::Kind::YesterdayLink, {}, {}};
    if (name.size() == 10) {
        auto d = at::Date::parse(name);
        if (!d)
            return std::nullopt;
        return DomainEntry{DomainEntry::Kind::DayDir, {}, *d};
    }
    auto split = splitFormat(name);
    if (!split)
        return std::nullopt;
    auto [stem, format] = *split;
    const size_t dots = stem.find("..");
    if (dots == std::string_view::npos) {
        if (stem.size() != 10)
            return std::nullopt;
        auto d = at::Date::parse(stem);
        if (!d)
            return std::nullopt;
        return DomainEntry{DomainEntry::Kind::DayFile, {HourSpan::ofDay(*d), format, false}, {}};
    }
    auto first = parseBound(stem.substr(0, dots), false);
    auto last = parseBound(stem.substr(dots + 2), true);
    if (!first || !last || *last < *first)
        return std::nullopt;
    return DomainEntry{DomainEntry::Kind::Range, {{*first, *last}, format, true}, {}};
}

std::optional<FileName> parseHourEntry(at::Date day, std::string_view name) {
    auto split = splitFormat(name);
    if (!split)
        return std::nullopt;
    auto [stem, format] = *split;
    if (stem.size() != 2 || stem[0] < '0' || stem[0] > '9' || stem[1] < '0' || stem[1] > '9')
        return std::nullopt;
    const int hour = (stem[0] - '0') * 10 + (stem[1] - '0');
    if (hour > 23)
        return std::nullopt;
    return FileName{HourSpan::ofHour({day, hour}), format, false};
}

}  // namespace atfs
