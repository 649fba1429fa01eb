// Finding the gzip members of one hour's bytes without inflating them: candidates are valid
// gzip headers; a set of them is the members when each one's predecessor's trailer (the 8
// bytes before it, or the last 8 bytes of the hour) gives ISIZEs that add up to the hour's
// inflated size. Shared by HourIndex::scan and by HourIndex::parse's check of a cached set.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace atfs::read {

struct MemberStart {
    uint64_t in = 0;   // offset of the member's header in the hour's bytes
    uint64_t out = 0;  // inflated offset of its first byte
};

// True when gz[start, end) can be one member whose trailer claims `isize`: room for header,
// deflate and trailer, and no more output than deflate's densest code gives (1032:1), and,
// when the hour is 4 GiB or more, a member too short to wrap ISIZE past 2^32.
bool plausibleMember(std::string_view gz, uint64_t start, uint64_t end, uint64_t hourSize);

// The member starts (the first at 0) whose trailers add up to `size`; empty when none do
// within the search's budget.
std::vector<MemberStart> scanMembers(std::string_view gz, uint64_t size);

}  // namespace atfs::read
