#include "read/CacheEntry.h"

#include <zlib.h>
#ifdef ATFS_HAVE_ISAL
#include <isa-l/crc.h>
#endif

#include <cstdio>
#include <cstring>

namespace atfs::read {
namespace {

constexpr char kMagic[8] = {'A', 'T', 'F', 'S', 'H', 'O', 'U', 'R'};
constexpr size_t kHeaderLengthOffset = 12;
constexpr size_t kDomainLengthOffset = 72;
// Past this, a name keeps a prefix of the escaped domain and a hash of the whole of it, so
// it stays far below NAME_MAX (255); the header's whole key tells colliding names apart.
constexpr size_t kMaxNameDomainChars = 160;

void putU32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(char((v >> (8 * i)) & 0xff));
}

void putU64(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(char((v >> (8 * i)) & 0xff));
}

uint32_t getU32(std::string_view in, size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= uint32_t(uint8_t(in[at + i])) << (8 * i);
    return v;
}

uint64_t getU64(std::string_view in, size_t at) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= uint64_t(uint8_t(in[at + i])) << (8 * i);
    return v;
}

bool safeNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) {
        h ^= uint8_t(c);
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

// "<domain>_<YYYY-MM-DD>T<HH>.hour", the domain with every byte outside [A-Za-z0-9-] as %XX:
// injective (the suffix has a fixed length), never "." or "..", never a temporary's ".tmp."
// prefix. One name per (domain, hour): an entry whose sizes changed (late events) is found
// under the same name and replaced, not left behind.
std::string HourKey::fileName() const {
    std::string escaped;
    for (char c : domain) {
        if (safeNameChar(c)) {
            escaped.push_back(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", unsigned(uint8_t(c)));
            escaped += hex;
        }
    }
    if (escaped.size() > kMaxNameDomainChars) {
        char hash[20];
        std::snprintf(hash, sizeof hash, "~%016llx",
                      static_cast<unsigned long long>(fnv1a(domain)));
        escaped = escaped.substr(0, kMaxNameDomainChars) + hash;
    }
    char hourPart[8];
    std::snprintf(hourPart, sizeof hourPart, "T%02d", hour);
    return escaped + "_" + day.str() + hourPart + ".hour";
}

uint32_t crc32Of(std::string_view bytes) {
#ifdef ATFS_HAVE_ISAL
    // The gzip CRC32, as zlib's: checked against it by the fuzz target cache_entry.
    return crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
#else
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto* p = reinterpret_cast<const Bytef*>(bytes.data());
    size_t left = bytes.size();
    while (left > 0) {  // crc32() takes a uInt length
        const uInt n = left > (1u << 30) ? (1u << 30) : uInt(left);
        crc = crc32(crc, p, n);
        p += n;
        left -= n;
    }
    return uint32_t(crc);
#endif
}

std::string encodeEntryHeader(const EntryHeader& h) {
    const HourKey& key = h.key;
    std::string out;
    out.reserve(kHeaderFixedBytes + key.domain.size());
    out.append(kMagic, sizeof kMagic);
    putU32(out, kEntryVersion);
    putU32(out, uint32_t(kHeaderFixedBytes + key.domain.size()));
    putU32(out, uint32_t(key.day.days()));
    putU32(out, uint32_t(key.hour));
    putU64(out, key.count);
    putU64(out, key.size);
    putU64(out, key.gzipSize);
    putU64(out, h.gzipLength);
    putU64(out, h.indexLength);
    putU32(out, h.gzipCrc);
    putU32(out, h.indexCrc);
    putU32(out, uint32_t(key.domain.size()));
    out += key.domain;
    putU32(out, crc32Of(out));
    return out;
}

std::string encodeEntryHeader(const HourKey& key, std::string_view gzip, std::string_view index) {
    EntryHeader h;
    h.key = key;
    h.gzipLength = gzip.size();
    h.indexLength = index.size();
    h.gzipCrc = crc32Of(gzip);
    h.indexCrc = crc32Of(index);
    return encodeEntryHeader(h);
}

std::optional<EntryHeader> parseEntryHeader(std::string_view bytes) {
    if (bytes.size() < kHeaderFixedBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    if (getU32(bytes, 8) != kEntryVersion)
        return std::nullopt;
    const uint32_t domainLength = getU32(bytes, kDomainLengthOffset);
    const uint32_t headerLength = getU32(bytes, kHeaderLengthOffset);
    if (domainLength > kMaxDomainBytes || headerLength != kHeaderFixedBytes + domainLength ||
        bytes.size() < headerLength)
        return std::nullopt;
    if (getU32(bytes, headerLength - 4) != crc32Of(bytes.substr(0, headerLength - 4)))
        return std::nullopt;
    EntryHeader h;
    h.headerLength = headerLength;
    const int32_t day = int32_t(getU32(bytes, 16));
    const uint32_t hour = getU32(bytes, 20);
    if (at::Date(day) < at::Date::earliest() || at::Date(day) > at::Date::latest() || hour > 23)
        return std::nullopt;
    h.key.day = at::Date(day);
    h.key.hour = int(hour);
    h.key.count = getU64(bytes, 24);
    h.key.size = getU64(bytes, 32);
    h.key.gzipSize = getU64(bytes, 40);
    h.gzipLength = getU64(bytes, 48);
    h.indexLength = getU64(bytes, 56);
    h.gzipCrc = getU32(bytes, 64);
    h.indexCrc = getU32(bytes, 68);
    h.key.domain.assign(bytes.substr(kHeaderFixedBytes - 4, domainLength));
    if (h.gzipLength != h.key.gzipSize || h.gzipLength > kMaxPartBytes ||
        h.indexLength > kMaxPartBytes)
        return std::nullopt;
    return h;
}

void resealEntryHeader(std::string& bytes) {
    if (bytes.size() < kHeaderLengthOffset + 4)
        return;
    const uint32_t headerLength = getU32(bytes, kHeaderLengthOffset);
    if (headerLength < 4 || headerLength > bytes.size())
        return;
    const uint32_t crc = crc32Of(std::string_view(bytes).substr(0, headerLength - 4));
    for (int i = 0; i < 4; ++i)
        bytes[headerLength - 4 + i] = char((crc >> (8 * i)) & 0xff);
}

bool sameHour(const HourKey& a, const HourKey& b) {
    return a.domain == b.domain && a.day == b.day && a.hour == b.hour;
}

bool sameKey(const HourKey& a, const HourKey& b) {
    return sameHour(a, b) && a.count == b.count && a.size == b.size && a.gzipSize == b.gzipSize;
}

bool partsMatch(const EntryHeader& header, std::string_view gzip, std::string_view index) {
    return gzip.size() == header.gzipLength && index.size() == header.indexLength &&
           crc32Of(gzip) == header.gzipCrc && crc32Of(index) == header.indexCrc;
}

}  // namespace atfs::read
