#include "read/GzipMember.h"

#include <zlib.h>

namespace atfs::read {
namespace {

constexpr uint8_t kFlagHcrc = 0x02;
constexpr uint8_t kFlagExtra = 0x04;
constexpr uint8_t kFlagName = 0x08;
constexpr uint8_t kFlagComment = 0x10;
constexpr uint8_t kFlagReserved = 0xe0;

uint8_t byteAt(std::string_view s, size_t i) {
    return static_cast<uint8_t>(s[i]);
}

uint32_t le32(std::string_view s, size_t i) {
    return uint32_t(byteAt(s, i)) | uint32_t(byteAt(s, i + 1)) << 8 |
           uint32_t(byteAt(s, i + 2)) << 16 | uint32_t(byteAt(s, i + 3)) << 24;
}

// Skips a zero-terminated field starting at `p`; nullopt when it runs past the end.
std::optional<size_t> skipZeroTerminated(std::string_view gz, size_t p) {
    const size_t zero = gz.find('\0', p);
    if (zero == std::string_view::npos)
        return std::nullopt;
    return zero + 1;
}

}  // namespace

std::optional<size_t> gzipHeaderLength(std::string_view gz, size_t at) {
    if (at > gz.size() || gz.size() - at < kGzipMinMember)
        return std::nullopt;
    if (byteAt(gz, at) != 0x1f || byteAt(gz, at + 1) != 0x8b || byteAt(gz, at + 2) != 8)
        return std::nullopt;
    const uint8_t flags = byteAt(gz, at + 3);
    if (flags & kFlagReserved)
        return std::nullopt;
    size_t p = at + 10;  // magic, method, flags, MTIME, XFL, OS
    if (flags & kFlagExtra) {
        if (gz.size() - p < 2)
            return std::nullopt;
        const size_t xlen = size_t(byteAt(gz, p)) | size_t(byteAt(gz, p + 1)) << 8;
        p += 2;
        if (gz.size() - p < xlen)
            return std::nullopt;
        p += xlen;
    }
    for (const uint8_t field : {kFlagName, kFlagComment}) {
        if (flags & field) {
            const auto next = skipZeroTerminated(gz, p);
            if (!next)
                return std::nullopt;
            p = *next;
        }
    }
    if (flags & kFlagHcrc) {
        if (gz.size() - p < 2)
            return std::nullopt;
        const uLong crc =
            crc32(0, reinterpret_cast<const Bytef*>(gz.data() + at), uInt(p - at)) & 0xffff;
        if (crc != (uLong(byteAt(gz, p)) | uLong(byteAt(gz, p + 1)) << 8))
            return std::nullopt;
        p += 2;
    }
    // A deflate stream (2 bytes at least) and the trailer must still fit.
    if (gz.size() - p < 2 + kGzipTrailer)
        return std::nullopt;
    // The first block's type: 3 is invalid in every deflate stream.
    if (((byteAt(gz, p) >> 1) & 3) == 3)
        return std::nullopt;
    return p - at;
}

GzipTrailer gzipTrailerAt(std::string_view gz, size_t at) {
    return GzipTrailer{le32(gz, at), le32(gz, at + 4)};
}

}  // namespace atfs::read
