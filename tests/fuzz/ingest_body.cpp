// An ingest body as it arrives (plain, or gzip that httplib left alone). Contract: the plain
// body never exceeds the limit, and a bad body is a 400 or 413 atd can send.
#include "FuzzCheck.h"
#include "service/ApiError.h"
#include "service/IngestBody.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const size_t limit = 1 << 20;  // small, so a gzip bomb from the fuzzer hits it quickly
    try {
        const std::string plain = atd::plainIngestBody(std::string(fuzz::text(data, size)), limit);
        fuzz::require(plain.size() <= limit, "a plain ingest body over the limit");
    } catch (const atd::ApiError& e) {
        fuzz::require(e.status() == 400 || e.status() == 413,
                      "an ingest body rejected with a status other than 400/413");
        fuzz::requireReplyable(e.status(), e.what());
    }
    return 0;
}
