// Test data: JSON-lines event text and gzip members made with zlib (independent of the
// code under test's inflaters).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "at/Gzip.h"

namespace at::test {

// `count` CADF-like events, one JSON object per line, deterministic for a seed.
std::string makeEventLines(size_t count, uint32_t seed);

// One gzip member of `text`, by the shared at::gzipMember; these tests keep zlib's default
// level 6 as their default (at::gzipMember's is 1).
inline std::string gzipMember(std::string_view text, int level = 6) {
    return at::gzipMember(text, level);
}

// The text split into `members` parts, each its own gzip member, concatenated.
std::string gzipMembers(const std::string& text, size_t members);

// Bytes that do not compress, for raw-mode transfer tests.
std::string randomBytes(size_t n, uint32_t seed);

}  // namespace at::test
