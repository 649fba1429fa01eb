// fs/read's HourIndex::scan, HourIndex::parse and HourReader over outside bytes (a fetched
// hour, a cached index blob). Contract: only at::ApiError (Integrity) escapes; a read that
// succeeds gives exactly what zlib inflates the bytes to; an hour read as one piece that zlib
// inflates to exactly `size` always succeeds; a scanned index survives its own
// serialize/parse.
// Input: byte 0 flags (1: zlib only, 2: size from the input, else zlib's length, 4: the rest
// is blob then gz), bytes 1-4 size, 5-6 `from` as a fraction of size, 7-8 the blob's length.
#include <zlib.h>

#include <string>

#include "FuzzCheck.h"
#include "at/Error.h"
#include "read/HourIndex.h"

namespace {

using atfs::read::HourIndex;
using atfs::read::HourReader;
using atfs::read::Inflate;

constexpr size_t kMaxOutput = 4 << 20;  // a bomb is cut here, in the reference as in the reader

struct Reference {
    std::string out;  // at most kMaxOutput
    uint64_t total = 0;
    bool ok = false;  // every member inflated and checked, no bytes left over
};

Reference reference(std::string_view gz) {
    Reference r;
    z_stream z{};
    inflateInit2(&z, 15 + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = uInt(gz.size());
    char buf[16384];
    bool inMember = !gz.empty();
    while (inMember && r.total < kMaxOutput * 2) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        const int rc = inflate(&z, Z_NO_FLUSH);
        const size_t made = sizeof buf - z.avail_out;
        if (r.out.size() < kMaxOutput)
            r.out.append(buf, std::min(made, kMaxOutput - r.out.size()));
        r.total += made;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0) {
                r.ok = true;
                break;
            }
            inflateReset(&z);
        } else if (rc != Z_OK) {
            break;
        }
    }
    inflateEnd(&z);
    r.ok = r.ok || gz.empty();
    return r;
}

uint64_t le(const uint8_t* p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v |= uint64_t(p[i]) << (8 * i);
    return v;
}

// Reads from `from` up to kMaxOutput bytes; false when it threw Integrity.
bool readFrom(std::string_view gz, std::shared_ptr<HourIndex> index, uint64_t from, Inflate inflate,
              std::string& got, bool& reachedEnd) {
    try {
        HourReader r(gz, std::move(index), from, inflate);
        char buf[8192];
        while (got.size() < kMaxOutput) {
            const size_t n = r.read(buf, sizeof buf);
            if (n == 0) {
                reachedEnd = true;
                break;
            }
            got.append(buf, n);
        }
        return true;
    } catch (const at::ApiError& e) {
        fuzz::require(e.kind() == at::ErrorKind::Integrity,
                      "HourReader throws a non-Integrity error");
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 9)
        return 0;
    const uint8_t flags = data[0];
    const Inflate inflate = (flags & 1) ? Inflate::Zlib : Inflate::Auto;
    std::string_view rest = fuzz::text(data + 9, size - 9);
    std::string_view blob;
    if (flags & 4) {
        const size_t cut = std::min<size_t>(le(data + 7, 2), rest.size());
        blob = rest.substr(0, cut);
        rest = rest.substr(cut);
    }
    const std::string_view gz = rest;
    const Reference ref = reference(gz);
    const uint64_t hourSize = (flags & 2) ? le(data + 1, 4) : ref.total;
    // At most kMaxOutput in: the skip to `from` stays bounded for a claimed 4 GiB.
    const uint64_t from = std::min<uint64_t>(hourSize, kMaxOutput) * le(data + 5, 2) / 65536;

    std::shared_ptr<HourIndex> index;
    if (flags & 4) {
        index = HourIndex::parse(blob, gz, hourSize);
        if (!index)
            return 0;
    } else {
        index = HourIndex::scan(gz, hourSize);
        fuzz::require(index != nullptr, "scan gives no index");
        const auto back = HourIndex::parse(index->serialize(), gz, hourSize);
        fuzz::require(back != nullptr, "a scanned index does not parse back");
        fuzz::require(back->membersVerified() == index->membersVerified() &&
                          back->pointCount() == index->pointCount(),
                      "a scanned index parses back different");
    }
    const auto members = index->members();
    fuzz::require(gz.empty() || (!members.empty() && members[0].in == 0 && members[0].out == 0),
                  "the first member is not at 0");

    std::string got;
    bool reachedEnd = false;
    const bool ok = readFrom(gz, index, from, inflate, got, reachedEnd);
    if (ok) {
        // Bytes handed out are zlib's bytes; at the end, zlib accepted the stream at that size.
        fuzz::require(from <= ref.out.size() || got.empty(), "bytes past zlib's output");
        if (from < ref.out.size()) {
            const std::string_view expect = std::string_view(ref.out).substr(from, got.size());
            fuzz::require(got == expect, "HourReader gives other bytes than zlib");
        }
        if (reachedEnd)
            fuzz::require(ref.ok && ref.total == hourSize,
                          "HourReader ends cleanly where zlib does not");
    } else if (!index->membersVerified() && ref.ok && ref.total == hourSize &&
               ref.total <= kMaxOutput) {
        fuzz::fail("HourReader refuses an hour zlib inflates to its size");
    }
    // Once more from a point the read may have recorded.
    std::string again;
    bool againEnd = false;
    if (readFrom(gz, index, from, inflate, again, againEnd) && ok)
        fuzz::require(again.substr(0, got.size()) == got.substr(0, again.size()),
                      "a second read gives other bytes");
    return 0;
}
