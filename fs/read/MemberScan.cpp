#include "read/MemberScan.h"

#include <string.h>  // memmem

#include "read/GzipMember.h"

namespace atfs::read {
namespace {

// Deflate's densest code: a 258-byte match in 2 bits (1-bit length and distance codes).
constexpr uint64_t kMaxDeflateRatio = 1032;
constexpr uint64_t kIsizeWrap = uint64_t(1) << 32;

// False candidates (1f 8b 08 inside compressed or stored data) can split members so that
// many subsets look possible; the search gives up after this many tries (the hour is then
// read front to back), which a scan of an honest hour never comes near: it tries each
// candidate once.
constexpr uint64_t kSearchBudget = 1 << 16;
// An hour with more candidates than this is read front to back as well (each costs a
// frame of the search).
constexpr size_t kMaxCandidates = 1 << 18;

std::vector<uint64_t> candidates(std::string_view gz) {
    std::vector<uint64_t> found;
    static constexpr char kMagic[] = {'\x1f', '\x8b', '\x08'};
    size_t p = kGzipMinMember;
    while (p < gz.size()) {
        const void* hit = memmem(gz.data() + p, gz.size() - p, kMagic, sizeof kMagic);
        if (!hit)
            break;
        p = size_t(static_cast<const char*>(hit) - gz.data());
        if (gzipHeaderLength(gz, p)) {
            if (found.size() == kMaxCandidates)
                return {};
            found.push_back(p);
        }
        ++p;
    }
    return found;
}

}  // namespace

bool plausibleMember(std::string_view gz, uint64_t start, uint64_t end, uint64_t hourSize) {
    if (end < start || end - start < kGzipMinMember || end > gz.size())
        return false;
    const auto header = gzipHeaderLength(gz, start);
    if (!header || *header + kGzipTrailer + 2 > end - start)
        return false;
    const uint64_t deflated = end - start - *header - kGzipTrailer;
    const uint64_t isize = gzipTrailerAt(gz, end - kGzipTrailer).isize;
    if (isize > deflated * kMaxDeflateRatio)
        return false;
    // In an hour of 4 GiB or more a member may have wrapped its ISIZE: only one too short to
    // reach 4 GiB is taken at its word.
    return hourSize < kIsizeWrap || deflated * kMaxDeflateRatio < kIsizeWrap;
}

std::vector<MemberStart> scanMembers(std::string_view gz, uint64_t size) {
    if (!gzipHeaderLength(gz, 0))
        return {};
    std::vector<uint64_t> at = candidates(gz);
    at.insert(at.begin(), 0);
    const size_t end = at.size();  // index standing for gz.size()
    auto position = [&](size_t i) { return i == end ? uint64_t(gz.size()) : at[i]; };

    // Depth-first over "the next member starts at candidate j", nearest first: an hour without
    // false candidates is found on the first path.
    struct Frame {
        size_t member;  // index of this member's start
        size_t next;    // the next candidate to try as the following member's start
        uint64_t out;   // inflated offset of this member's start
    };
    std::vector<Frame> path{{0, 1, 0}};
    uint64_t tries = 0;
    while (!path.empty() && tries < kSearchBudget) {
        Frame& top = path.back();
        if (top.next > end) {
            path.pop_back();
            continue;
        }
        const size_t j = top.next++;
        ++tries;
        const uint64_t start = at[top.member];
        const uint64_t stop = position(j);
        if (!plausibleMember(gz, start, stop, size))
            continue;
        const uint64_t isize = gzipTrailerAt(gz, stop - kGzipTrailer).isize;
        if (isize > size - top.out)
            continue;
        const uint64_t nextOut = top.out + isize;
        if (j == end) {
            if (nextOut != size)
                continue;
            std::vector<MemberStart> members;
            members.reserve(path.size());
            for (const Frame& f : path)
                members.push_back({at[f.member], f.out});
            return members;
        }
        path.push_back({j, j + 1, nextOut});
    }
    return {};
}

}  // namespace atfs::read
