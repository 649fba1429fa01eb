// Gzip helpers shared by libatclient, atd's store, the fs tests' MemoryBackend and the tests, so
// each of them does not carry its own copy.
#pragma once

#include <string>
#include <string_view>

namespace at {

// True when this build links ISA-L (configured with libisal found and ATFS_WITH_ISAL on).
bool isalAvailable();

// What an isal_inflate() error code means, for a person (ISA-L's codes are negative ints;
// "isal_inflate failed" for any other value, and in a build without ISA-L).
const char* isalErrorText(int rc);

// `data` deflated with zlib as one complete gzip member (header, deflate stream, CRC32/ISIZE
// trailer). `level` is a zlib level (1 = Z_BEST_SPEED, 6 = zlib's default); the default is
// the fast one, as the service stores events. Throws std::runtime_error when zlib fails and
// std::length_error for inputs of 4 GiB or more (zlib takes one 32-bit input length here).
std::string gzipMember(std::string_view data, int level = 1);

}  // namespace at
