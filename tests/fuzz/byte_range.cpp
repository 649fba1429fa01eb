// The Range header of a download against a body size. Contract: a Partial range lies inside
// the body; the first 8 bytes of the input are the size, the rest the header.
#include <cstring>

#include "FuzzCheck.h"
#include "service/ByteRange.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    uint64_t total = 0;
    const size_t sizeBytes = std::min<size_t>(size, 8);
    std::memcpy(&total, data, sizeBytes);
    // Small bodies hit the edges (empty, one byte); take the size mod 2^k by the first byte.
    if (sizeBytes > 0 && (data[0] & 1))
        total %= 4096;
    const std::string header(fuzz::text(data + sizeBytes, size - sizeBytes));
    const atd::RangeDecision d = atd::decideRange(header, total);
    if (d.kind == atd::RangeKind::Partial) {
        fuzz::require(d.range.first <= d.range.last, "partial range with first > last", header);
        fuzz::require(d.range.last < total, "partial range past the end of the body", header);
        fuzz::require(d.range.length() <= total, "partial range longer than the body", header);
    }
    return 0;
}
