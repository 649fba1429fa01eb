// Test data: JSON-lines event text and gzip members made with zlib (independent of the
// code under test's inflaters).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace at::test {

// `count` CADF-like events, one JSON object per line, deterministic for a seed.
std::string makeEventLines(size_t count, uint32_t seed);

// One gzip member of `text`.
std::string gzipMember(const std::string& text, int level = 6);

// The text split into `members` parts, each its own gzip member, concatenated.
std::string gzipMembers(const std::string& text, size_t members);

// Bytes that do not compress, for raw-mode transfer tests.
std::string randomBytes(size_t n, uint32_t seed);

}  // namespace at::test
