// The JSON lines of POST /v3/events → hours of stored lines. Contract: every stored line has
// an eventTime in its hour, each hour is sorted and names a real day; a bad line is an
// IngestError that atd turns into a 400 it can send.
#include "FuzzCheck.h"
#include "store/EventBatch.h"
#include "store/Store.h"

namespace {

void checkHour(const atd::HourLines& hour) {
    fuzz::require(at::HourStamp::parse(hour.hour.str()).has_value(),
                  "an ingested hour is not one atd can name again", hour.hour.str());
    int64_t previous = INT64_MIN;
    uint64_t count = 0;
    std::string_view rest = hour.lines;
    while (!rest.empty()) {
        const size_t end = rest.find('\n');
        fuzz::require(end != std::string_view::npos, "a stored hour does not end with a newline");
        const int64_t t = atd::storedEventTime(rest.substr(0, end));
        fuzz::require(atd::hourStampOf(t) == hour.hour, "a line filed under another hour");
        fuzz::require(t >= previous, "an hour not sorted by eventTime");
        previous = t;
        ++count;
        rest.remove_prefix(end + 1);
    }
    fuzz::require(count == hour.count, "an hour's count differs from its lines");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        for (const atd::HourLines& hour : atd::parseIngestBatch(fuzz::text(data, size)))
            checkHour(hour);
    } catch (const atd::IngestError& e) {
        fuzz::require(e.line() >= 1, "an ingest error without a line number");
        fuzz::requireReplyable(400, e.what());
    }
    return 0;
}
