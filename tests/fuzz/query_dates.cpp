// Dates, hours and event times from query values, session bodies and ingest lines. Contract:
// whatever parses names a real UTC day of 1970..9999 that prints back the same, and a
// rejection is a 400 atd can send.
#include "FuzzCheck.h"
#include "at/Time.h"
#include "service/ApiError.h"
#include "service/RequestAuth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string s(fuzz::text(data, size));

    if (auto d = at::Date::parse(s)) {
        fuzz::require(d->str() == s, "a date does not print back as it was written", s);
        fuzz::require(d->year() >= 1970 && d->year() <= 9999, "a date outside 1970..9999", s);
    }
    if (auto h = at::HourStamp::parse(s)) {
        fuzz::require(h->str() == s, "an hour stamp does not print back", s);
        fuzz::require(h->hour >= 0 && h->hour <= 23, "an hour stamp with hour out of 0..23", s);
    }
    if (auto h = at::parseHour(s))
        fuzz::require(*h >= 0 && *h <= 23, "an hour out of 0..23", s);

    if (auto micros = at::parseEventTime(s)) {
        // The store files an event under its UTC day; that day must be one atd can name again.
        const int64_t microsPerDay = int64_t(86400) * 1000000;
        int64_t day = *micros / microsPerDay;
        if (*micros % microsPerDay < 0)
            --day;
        const at::Date utcDay{int32_t(day)};
        fuzz::require(day >= 0 && at::Date::parse(utcDay.str()).has_value(),
                      "an event time whose UTC day is not a date atd accepts", s);
        const std::string printed = at::formatEventTime(*micros);
        const auto again = at::parseEventTime(printed);
        fuzz::require(again.has_value() && *again / 1000 == *micros / 1000,
                      "an event time does not survive print and parse", printed);
    }

    const auto requireBadRequest = [&](auto parse) {
        try {
            parse();
        } catch (const atd::ApiError& e) {
            fuzz::require(e.status() == 400, "a bad date or hour is not a 400");
            fuzz::requireReplyable(e.status(), e.what());
        }
    };
    requireBadRequest([&] { (void)atd::parseDateOr400(s, "start"); });
    requireBadRequest([&] { (void)atd::parseHourOr400(s, "SearchTime"); });
    return 0;
}
