// at::printable(): any bytes → text safe for a JSON message or a terminal. Contract: valid
// UTF-8 (dump() accepts it), no control bytes, and about maxBytes long at most.
#include <algorithm>

#include "FuzzCheck.h"
#include "at/SafeText.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The first byte picks the limit, so short limits cut inside sequences and escapes.
    const size_t maxBytes = size > 0 ? data[0] : 120;
    const std::string_view bytes = size > 0 ? fuzz::text(data + 1, size - 1) : std::string_view();
    const std::string out = at::printable(bytes, maxBytes);
    try {
        (void)nlohmann::json(out).dump();
    } catch (const nlohmann::json::exception& e) {
        fuzz::fail("printable() gave invalid UTF-8", e.what());
    }
    for (unsigned char c : out)
        fuzz::require(c >= 0x20 && c != 0x7f, "printable() kept a control byte");
    // "About maxBytes": the cut adds "..." to what fits.
    fuzz::require(out.size() <= maxBytes + 3, "printable() longer than its limit");
    const bool plainAscii =
        std::all_of(bytes.begin(), bytes.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (plainAscii && bytes.size() <= maxBytes)
        fuzz::require(out == bytes, "printable() changed plain text that fits");
    return 0;
}
