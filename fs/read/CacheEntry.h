// The format of one HourCache entry file: a header that holds the whole key, the lengths and
// CRC32s of the two parts and a CRC32 of itself, then the hour's gzip bytes, then its
// HourIndex blob. Pure functions over bytes: the file I/O is HourCache's. The header parser
// meets whatever is on disk (a torn write, another version, a planted file): it accepts only
// a header it would have written itself (tests/fuzz/cache_entry checks that).
//
// Layout, little-endian, version 1 (kHeaderFixedBytes + the domain):
//   0 magic "ATFSHOUR"   8 u32 version    12 u32 header length   16 i32 day (days since 1970)
//  20 u32 hour          24 u64 count     32 u64 size            40 u64 gzip size
//  48 u64 gzip length   56 u64 index length                     64 u32 CRC32 of the gzip bytes
//  68 u32 CRC32 of the index             72 u32 domain length   76 domain bytes
//  then u32 CRC32 of every header byte before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "read/HourCache.h"

namespace atfs::read {

inline constexpr uint32_t kEntryVersion = 1;
inline constexpr size_t kHeaderFixedBytes = 80;
// Domain keys are "account" or a space GUID (36 bytes); anything longer is not ours.
inline constexpr size_t kMaxDomainBytes = 256;
inline constexpr size_t kMaxHeaderBytes = kHeaderFixedBytes + kMaxDomainBytes;
// An hour's gzip is a few MB; this only keeps header + lengths from overflowing.
inline constexpr uint64_t kMaxPartBytes = uint64_t(1) << 40;

struct EntryHeader {
    HourKey key;
    uint64_t gzipLength = 0;
    uint64_t indexLength = 0;
    uint32_t gzipCrc = 0;
    uint32_t indexCrc = 0;
    size_t headerLength = 0;
    uint64_t fileLength() const { return headerLength + gzipLength + indexLength; }
};

uint32_t crc32Of(std::string_view bytes);

// The header of an entry holding `gzip` and `index` for `key` (whose domain must fit).
std::string encodeEntryHeader(const HourKey& key, std::string_view gzip, std::string_view index);
// The header of these fields (headerLength is implied): parseEntryHeader's inverse.
std::string encodeEntryHeader(const EntryHeader& fields);
// The header at the front of `bytes` (any bytes): nullopt unless it is whole, of this version,
// its own CRC matches, and its fields are in range (hour 0..23, gzip length == gzip size).
std::optional<EntryHeader> parseEntryHeader(std::string_view bytes);
// Recomputes the header CRC in place when the header-length field fits in `bytes`: for the
// fuzzer and tests, which change a field on purpose and want the rest of the checks to run.
void resealEntryHeader(std::string& bytes);

bool sameHour(const HourKey& a, const HourKey& b);  // domain, day, hour
bool sameKey(const HourKey& a, const HourKey& b);   // and count, size, gzip size
// The parts after a header match its lengths and CRCs.
bool partsMatch(const EntryHeader& header, std::string_view gzip, std::string_view index);

}  // namespace atfs::read
