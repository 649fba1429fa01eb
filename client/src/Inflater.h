// Gzip inflation behind one interface, so the download path can use ISA-L (fast) or zlib.
// Both handle multi-member gzip (the service concatenates stored members) and verify
// each member's CRC32/ISIZE trailer.
#pragma once

#include <cstddef>
#include <memory>

#include "at/Gzip.h"  // at::isalAvailable, which this header used to declare

namespace at {

class Inflater {
  public:
    struct Step {
        size_t consumed = 0;
        size_t produced = 0;
    };

    virtual ~Inflater() = default;

    // Inflates as much of `in` as fits into `out`, across member boundaries.
    // Throws ApiError(Integrity) on corrupt data or a bad trailer.
    virtual Step inflate(const char* in, size_t inLen, char* out, size_t outLen) = 0;

    // True when every byte fed so far belonged to complete members: at the end of
    // input, false means the gzip stream was truncated.
    virtual bool atMemberBoundary() const = 0;

    virtual const char* name() const = 0;
};

enum class InflaterKind { Zlib, Isal };

// The runtime choice: ISA-L when built with it, unless ATFS_INFLATER=zlib.
std::unique_ptr<Inflater> makeInflater();
std::unique_ptr<Inflater> makeInflater(InflaterKind kind);  // Isal without ISA-L: zlib

std::unique_ptr<Inflater> makeZlibInflater();
std::unique_ptr<Inflater> makeIsalInflater();  // nullptr when not built with ISA-L

}  // namespace at
