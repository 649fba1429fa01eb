// One `Range: bytes=...` request header against a body of known size (RFC 9110 §14).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace atd {

struct ByteRange {
    uint64_t first = 0;
    uint64_t last = 0;  // inclusive
    uint64_t length() const { return last - first + 1; }
};

enum class RangeKind { Whole, Partial, Unsatisfiable };

struct RangeDecision {
    RangeKind kind = RangeKind::Whole;
    ByteRange range;  // for Partial
};

// "bytes=N-", "bytes=N-M" (M clamped to the end) and "bytes=-K" (the last K bytes) give
// Partial; N at or past the end gives Unsatisfiable; no header, several ranges or anything
// unparseable gives Whole (a server may always ignore Range).
RangeDecision decideRange(const std::string& header, uint64_t total);

}  // namespace atd
