// An HourCache entry file as found on disk (a torn write, another version, a planted file).
// Contracts: a header that parses is whole, in range and prints back to the same bytes; a
// whole entry passes only when its parts' lengths and CRC32s are what the header says (CRC32
// computed here by zlib, against the cache's, which may be ISA-L's); and the same again with
// the header's own CRC recomputed, so the fields behind it are fuzzed too.
#include <zlib.h>

#include "FuzzCheck.h"
#include "read/CacheEntry.h"

namespace {

using namespace atfs::read;

uint32_t zlibCrc(std::string_view s) {
    return uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size())));
}

void check(std::string_view bytes) {
    const auto h = parseEntryHeader(bytes);
    if (!h)
        return;
    fuzz::require(h->headerLength <= bytes.size(), "a header longer than its bytes");
    fuzz::require(h->headerLength == kHeaderFixedBytes + h->key.domain.size(),
                  "a header length that does not fit its domain");
    fuzz::require(h->key.domain.size() <= kMaxDomainBytes, "a domain over the limit");
    fuzz::require(h->key.hour >= 0 && h->key.hour <= 23, "an hour outside 0..23");
    fuzz::require(h->gzipLength == h->key.gzipSize, "a gzip length other than the key's");
    fuzz::require(h->gzipLength <= kMaxPartBytes && h->indexLength <= kMaxPartBytes,
                  "a part over the limit");
    fuzz::require(encodeEntryHeader(*h) == bytes.substr(0, h->headerLength),
                  "a header that does not print back");
    const std::string name = h->key.fileName();
    fuzz::require(
        name.find('/') == std::string::npos && !name.starts_with(".") && name.size() < 255,
        "an entry name that is not a safe path component", name);
    if (bytes.size() != h->fileLength())
        return;
    const std::string_view gzip = bytes.substr(h->headerLength, h->gzipLength);
    const std::string_view index = bytes.substr(h->headerLength + h->gzipLength);
    const bool expected = zlibCrc(gzip) == h->gzipCrc && zlibCrc(index) == h->indexCrc;
    fuzz::require(partsMatch(*h, gzip, index) == expected,
                  "the entry check disagrees with zlib's CRC32");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes = fuzz::text(data, size);
    check(bytes);
    std::string resealed(bytes);
    resealEntryHeader(resealed);
    check(resealed);
    return 0;
}
