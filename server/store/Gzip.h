// Gzip members as atd stores them: every member is a complete gzip stream, so a stored hour
// file (members appended one per batch) is a valid multi-member gzip file.
#pragma once

#include <string>
#include <string_view>

#include "at/Gzip.h"

namespace atd {

enum class Compressor {
    Zlib,  // deflate level 6, portable
    Isal,  // ISA-L igzip level 1, several times faster; only when built with libisal
};

// Shared with libatclient (at/Gzip.h); kept under this name for atd's callers.
using at::isalAvailable;
// ISA-L when available, zlib otherwise.
Compressor defaultCompressor();

// Appends one complete gzip member holding `data` to `out`.
void appendGzipMember(std::string& out, std::string_view data,
                      Compressor compressor = defaultCompressor());

// Inflates every member of a (multi-member) gzip buffer; throws std::runtime_error when it is
// corrupt or truncated.
std::string gunzipAll(std::string_view gzip);

}  // namespace atd
