#include "PartitionNames.h"

#include <cstdio>

namespace atfs {

namespace {
constexpr std::string_view kDomain = "domain=", kDate = "date=", kHour = "hour=",
                           kEvents = "events";
}

std::string partitionDomainName(const std::string& key) {
    return std::string(kDomain) + key;
}

std::string partitionDayName(at::Date day) {
    return std::string(kDate) + day.str();
}

std::string partitionHourName(int hour) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "hour=%02d", hour);
    return buf;
}

std::string partitionFileName(Format format) {
    return std::string(kEvents) + formatSuffix(format);
}

std::optional<std::string> parsePartitionDomain(std::string_view name) {
    if (!name.starts_with(kDomain) || name.size() == kDomain.size())
        return std::nullopt;
    return std::string(name.substr(kDomain.size()));
}

std::optional<at::Date> parsePartitionDay(std::string_view name) {
    if (!name.starts_with(kDate) || name.size() != kDate.size() + 10)
        return std::nullopt;
    return at::Date::parse(name.substr(kDate.size()));
}

std::optional<int> parsePartitionHour(std::string_view name) {
    if (!name.starts_with(kHour) || name.size() != kHour.size() + 2)
        return std::nullopt;
    const char a = name[kHour.size()], b = name[kHour.size() + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9')
        return std::nullopt;
    const int hour = (a - '0') * 10 + (b - '0');
    return hour <= 23 ? std::optional<int>(hour) : std::nullopt;
}

std::optional<Format> parsePartitionFile(std::string_view name) {
    for (Format f : {Format::Json, Format::JsonGz})
        if (name == partitionFileName(f))
            return f;
    return std::nullopt;
}

}  // namespace atfs
