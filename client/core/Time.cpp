#include "at/Time.h"

#include <chrono>
#include <cstdio>

namespace at {
namespace {

namespace chr = std::chrono;

bool allDigits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return !s.empty();
}

int toInt(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

chr::year_month_day civil(Date d) { return chr::year_month_day{chr::sys_days{chr::days{d.days()}}}; }

}  // namespace

std::optional<Date> Date::fromCivil(int year, unsigned month, unsigned day) {
    if (year < 1970 || year > 9999) return std::nullopt;
    chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
    if (!ymd.ok()) return std::nullopt;
    return Date(int32_t(chr::sys_days{ymd}.time_since_epoch().count()));
}

std::optional<Date> Date::parse(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    auto y = t.substr(0, 4), m = t.substr(5, 2), d = t.substr(8, 2);
    if (!allDigits(y) || !allDigits(m) || !allDigits(d)) return std::nullopt;
    return fromCivil(toInt(y), unsigned(toInt(m)), unsigned(toInt(d)));
}

Date Date::todayUtc() {
    auto now = chr::floor<chr::days>(chr::system_clock::now());
    return Date(int32_t(now.time_since_epoch().count()));
}

std::string Date::str() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
    return buf;
}

int Date::year() const { return int(civil(*this).year()); }
unsigned Date::month() const { return unsigned(civil(*this).month()); }
unsigned Date::day() const { return unsigned(civil(*this).day()); }

std::optional<HourStamp> HourStamp::parse(std::string_view t) {
    if (t.size() != 13 || t[10] != 'T') return std::nullopt;
    auto d = Date::parse(t.substr(0, 10));
    auto hh = t.substr(11, 2);
    if (!d || !allDigits(hh)) return std::nullopt;
    int h = toInt(hh);
    if (h > 23) return std::nullopt;
    return HourStamp{*d, h};
}

std::string HourStamp::str() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "T%02d", hour);
    return date.str() + buf;
}

std::optional<int> parseHour(std::string_view t) {
    if (t.empty() || t.size() > 2 || !allDigits(t)) return std::nullopt;
    int h = toInt(t);
    if (h > 23) return std::nullopt;
    return h;
}

std::optional<int64_t> parseEventTime(std::string_view t) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HHMM|+HH:MM|-...)
    if (t.size() < 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':') return std::nullopt;
    auto d = Date::parse(t.substr(0, 10));
    auto hh = t.substr(11, 2), mm = t.substr(14, 2), ss = t.substr(17, 2);
    if (!d || !allDigits(hh) || !allDigits(mm) || !allDigits(ss)) return std::nullopt;
    int h = toInt(hh), mi = toInt(mm), s = toInt(ss);
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    size_t pos = 19;
    int64_t micros = 0;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        size_t start = pos;
        int64_t scale = 100000;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            micros += (t[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    int64_t offsetSec = 0;
    auto zone = t.substr(pos);
    if (zone == "Z" || zone == "z") {
        offsetSec = 0;
    } else if (zone.size() == 5 || zone.size() == 6) {
        if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
        auto zh = zone.substr(1, 2);
        auto zm = zone.size() == 5 ? zone.substr(3, 2) : zone.substr(4, 2);
        if (zone.size() == 6 && zone[3] != ':') return std::nullopt;
        if (!allDigits(zh) || !allDigits(zm)) return std::nullopt;
        // Real offsets lie within +-14:00; -99:99 would move a day into year 10000.
        if (toInt(zm) > 59 || toInt(zh) * 60 + toInt(zm) > 14 * 60) return std::nullopt;
        offsetSec = (toInt(zh) * 3600 + toInt(zm) * 60) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    int64_t secs = d->epochSeconds() + h * 3600 + mi * 60 + s - offsetSec;
    // The day it is stored under is the UTC one: it too must be in 1970..9999.
    if (secs < 0 || secs >= Date::latest().plusDays(1).epochSeconds()) return std::nullopt;
    return secs * 1000000 + micros;
}

std::string formatEventTime(int64_t micros) {
    int64_t secs = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
    int64_t frac = micros - secs * 1000000;
    Date d(int32_t(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400));
    int64_t rem = secs - d.epochSeconds();
    char buf[48];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03d+0000", d.str().c_str(), int(rem / 3600),
                  int(rem / 60 % 60), int(rem % 60), int(frac / 1000));
    return buf;
}

std::string formatRfc3339Nanos(int64_t nanos) {
    int64_t secs = nanos / 1000000000;
    int64_t frac = nanos % 1000000000;
    Date d(int32_t(secs / 86400));
    int64_t rem = secs - d.epochSeconds();
    char buf[48];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%09lldZ", d.str().c_str(), int(rem / 3600),
                  int(rem / 60 % 60), int(rem % 60), (long long)frac);
    return buf;
}

int64_t nowNanos() {
    return chr::duration_cast<chr::nanoseconds>(chr::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace at
