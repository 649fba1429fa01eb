// UTC calendar types shared by atd, libatclient and atfs: days, hours, day ranges
// and CADF event times. Strict parsing: anything that is not a real date is rejected.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace at {

// A UTC calendar day, stored as days since 1970-01-01.
class Date {
  public:
    constexpr Date() = default;
    constexpr explicit Date(int32_t daysSinceEpoch) : days_(daysSinceEpoch) {}

    // Strict "YYYY-MM-DD" (zero padded, year 1970..9999); nullopt for 2017-02-30 and the like.
    static std::optional<Date> parse(std::string_view text);
    static std::optional<Date> fromCivil(int year, unsigned month, unsigned day);
    static Date todayUtc();
    // The days atd stores and parse() accepts: 1970-01-01 .. 9999-12-31.
    static constexpr Date earliest() { return Date(0); }
    static constexpr Date latest() { return Date(2932896); }

    std::string str() const;  // "YYYY-MM-DD"
    int32_t days() const { return days_; }
    int64_t epochSeconds() const { return int64_t(days_) * 86400; }
    Date plusDays(int32_t n) const { return Date(days_ + n); }
    int year() const;
    unsigned month() const;
    unsigned day() const;

    friend constexpr auto operator<=>(Date, Date) = default;

  private:
    int32_t days_ = 0;
};

// One UTC hour of one day: "YYYY-MM-DDTHH".
struct HourStamp {
    Date date;
    int hour = 0;  // 0..23

    static std::optional<HourStamp> parse(std::string_view text);
    std::string str() const;
    int64_t index() const { return int64_t(date.days()) * 24 + hour; }
    friend constexpr auto operator<=>(const HourStamp&, const HourStamp&) = default;
};

// Parses an hour "0".."23" (one or two digits).
std::optional<int> parseHour(std::string_view text);

// Inclusive range of days, first <= last.
struct DayRange {
    Date first;
    Date last;

    int32_t dayCount() const { return last.days() - first.days() + 1; }
    bool contains(Date d) const { return first <= d && d <= last; }
    friend constexpr bool operator==(const DayRange&, const DayRange&) = default;
};

// CADF eventTime, e.g. "2017-07-25T10:29:28.54+0000", "2017-07-25T10:29:28Z",
// "2017-07-25T10:29:28.541092735+01:00". Returns microseconds since the epoch (UTC).
std::optional<int64_t> parseEventTime(std::string_view text);

// Formats microseconds since the epoch as the CADF form "2017-07-25T10:29:28.541+0000".
std::string formatEventTime(int64_t micros);

// RFC 3339 with nanoseconds, as the legacy service printed create-time:
// "2017-07-25T10:29:28.541092735Z".
std::string formatRfc3339Nanos(int64_t nanosSinceEpoch);
int64_t nowNanos();

}  // namespace at
