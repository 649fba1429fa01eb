// The framing of one gzip member (RFC 1952) around its deflate stream: the header's length
// and the 8-byte CRC32/ISIZE trailer. HourIndex scans an hour's bytes with these; HourReader
// checks each member's trailer with them, so both ISA-L and zlib inflate raw deflate only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace atfs::read {

// Smallest member: 10-byte header, an empty fixed-Huffman block (2 bytes), 8-byte trailer.
inline constexpr size_t kGzipMinMember = 20;
inline constexpr size_t kGzipTrailer = 8;

// The length of the valid gzip header at gz[at] (magic, deflate, no reserved flag bits, every
// optional field inside gz, FHCRC matching), with at least a trailer's room after it;
// nullopt otherwise.
std::optional<size_t> gzipHeaderLength(std::string_view gz, size_t at);

struct GzipTrailer {
    uint32_t crc = 0;
    uint32_t isize = 0;  // the member's inflated length modulo 2^32
};
GzipTrailer gzipTrailerAt(std::string_view gz, size_t at);  // at + 8 <= gz.size()

}  // namespace atfs::read
