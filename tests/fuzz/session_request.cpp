// POST /v3/sessions body → SessionRequest. Contract: a valid range of at most 14 days, or an
// ApiError 400 whose message atd can send; nothing else may escape.
#include "FuzzCheck.h"
#include "at/ApiLimits.h"
#include "service/ApiError.h"
#include "service/SessionRequest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const at::Date today(17372);  // 2017-07-25, a fixed clock keeps runs reproducible
    try {
        const atd::SessionRequest r =
            atd::parseSessionRequest(std::string(fuzz::text(data, size)), today);
        fuzz::require(r.start <= r.end, "session start after end");
        fuzz::require(at::DayRange{r.start, r.end}.dayCount() <= at::kMaxSessionDays,
                      "session longer than 14 days");
        fuzz::require(at::Date::parse(r.start.str()).has_value(), "session start is not a real day",
                      r.start.str());
        fuzz::require(at::Date::parse(r.end.str()).has_value(), "session end is not a real day",
                      r.end.str());
        fuzz::require(!r.hour || (*r.hour >= 0 && *r.hour <= 23), "session hour out of 0..23");
        fuzz::require(r.tag.size() <= atd::kMaxTagBytes, "session tag over 128 bytes");
    } catch (const atd::ApiError& e) {
        fuzz::require(e.status() == 400, "session body rejected with a status other than 400");
        fuzz::requireReplyable(e.status(), e.what());
    }
    return 0;
}
