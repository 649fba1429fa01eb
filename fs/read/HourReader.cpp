// HourReader: one cursor over an hour's members, checking every member boundary against the
// index, and taking access points while zlib inflates (see HourIndex.h for when it does).
#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "at/Error.h"
#include "read/DeflateCursor.h"
#include "read/GzipMember.h"
#include "read/HourIndex.h"

namespace atfs::read {
namespace {

// Output before `from` is inflated into this and dropped (ISA-L's speed is the same with
// 64 KiB as with more; zlib's window is 32 KiB).
constexpr size_t kScratch = 64 << 10;
// Past the output a member must give, the reader asks for a few bytes more: any it gets means
// the member is longer than the index says.
constexpr size_t kProbe = 64;

[[noreturn]] void mismatch(const std::string& why) {
    throw at::ApiError(at::ErrorKind::Integrity, "inflate", 0,
                       "the hour's gzip bytes do not match its index: " + why);
}

bool zlibForced() {
    const char* forced = std::getenv("ATFS_INFLATER");
    return forced && std::string_view(forced) == "zlib";
}

}  // namespace

struct HourReader::Impl {
    std::string_view gz;
    std::shared_ptr<HourIndex> index;
    uint64_t size = 0;
    uint64_t from = 0;
    uint64_t pos = 0;  // inflated offset of the cursor's next byte
    bool done = false;

    bool verified = false;
    std::vector<AccessPoint> members;
    size_t member = 0;       // verified: the current member's place in `members`
    uint64_t memberOut = 0;  // inflated offset where the current gzip member began
    uint64_t limitIn = 0;    // where the current piece's bytes end
    uint64_t limitOut = 0;   // the inflated offset the current piece must end at

    std::unique_ptr<DeflateCursor> isal;  // null: zlib only
    ZlibCursor zlib;
    DeflateCursor* cursor = nullptr;
    bool recording = false;  // zlib: take a point at each block boundary past kPointSpan
    uint64_t lastPoint = 0;  // the inflated offset of the last point at or before pos

    std::unique_ptr<char[]> scratch{new char[kScratch]};
    std::string window;

    void setLimits() {
        if (verified && member + 1 < members.size()) {
            limitIn = members[member + 1].in;
            limitOut = members[member + 1].out;
        } else {
            limitIn = gz.size();
            limitOut = size;
        }
    }

    // The cursor for inflating on from `start` (at `pos`): zlib while points are still wanted
    // before `from`, ISA-L otherwise.
    void startCursor(const DeflateStart& start) {
        recording = !isal || (from > pos && from - pos > HourIndex::kPointSpan);
        cursor = recording ? static_cast<DeflateCursor*>(&zlib) : isal.get();
        cursor->start(gz, limitIn, start);
    }

    void startMemberAt(uint64_t in) {
        const auto header = gzipHeaderLength(gz.substr(0, limitIn), in);
        if (!header)
            mismatch("no gzip member starts at byte " + std::to_string(in));
        memberOut = pos;
        lastPoint = pos;
        DeflateStart start;
        start.in = in + *header;
        startCursor(start);
    }

    void startAt(const AccessPoint& p) {
        if (verified) {
            auto next =
                std::upper_bound(members.begin(), members.end(), p.in,
                                 [](uint64_t in, const AccessPoint& m) { return in < m.in; });
            member = size_t(std::prev(next) - members.begin());
        }
        setLimits();
        pos = p.out;
        if (p.memberStart) {
            startMemberAt(p.in);
            return;
        }
        memberOut = p.memberOut;
        lastPoint = p.out;
        DeflateStart start;
        start.in = p.in;
        start.bits = p.bits;
        start.window = p.window;
        start.crc = p.crc;
        start.isize = uint32_t(p.out - p.memberOut);
        startCursor(start);
    }

    // The current member's trailer is checked: it must end where the index says.
    void nextMember() {
        const uint64_t end = cursor->trailerEnd();
        if (verified && end != limitIn)
            mismatch("a member ends at byte " + std::to_string(end) + ", not " +
                     std::to_string(limitIn));
        if (end == gz.size() || (verified && member + 1 == members.size())) {
            if (pos != size)
                mismatch("the hour inflates to " + std::to_string(pos) + " bytes, not " +
                         std::to_string(size));
            done = true;
            return;
        }
        if (verified) {
            if (pos != limitOut)
                mismatch("member " + std::to_string(member) + " inflates to end at " +
                         std::to_string(pos) + ", not " + std::to_string(limitOut));
            ++member;
            setLimits();
        }
        startMemberAt(end);
    }

    // Points sit at the first block boundary past each multiple of kPointSpan from the member's
    // start, so they do not drift apart by a block each.
    uint64_t nextPointOut() const {
        const uint64_t span = HourIndex::kPointSpan;
        return memberOut + ((lastPoint - memberOut) / span + 1) * span;
    }

    void atBlockBoundary() {
        if (pos >= nextPointOut()) {
            const DeflateStart here = zlib.here(window);
            AccessPoint p;
            p.out = pos;
            p.in = here.in;
            p.bits = here.bits;
            p.window = window;
            p.memberOut = memberOut;
            p.crc = here.crc;
            index->add(std::move(p));
            lastPoint = pos;
        }
        // No further point is wanted before `from`: ISA-L inflates on from here.
        if (isal && nextPointOut() > from) {
            const DeflateStart here = zlib.here(window);
            recording = false;
            cursor = isal.get();
            cursor->start(gz, limitIn, here);
        }
    }

    size_t read(char* dst, size_t n) {
        size_t got = 0;
        char probe[kProbe];
        while (!done) {
            if (cursor->finished()) {
                nextMember();
                continue;
            }
            const bool discard = pos < from;
            // At a member's end the trailer is checked before its last bytes are handed out,
            // so a caller that reads one member exactly (the pool) knows it was whole.
            if (!discard && got == n && pos != limitOut)
                break;
            char* out = discard ? scratch.get() : dst + got;
            size_t room = discard ? std::min<uint64_t>(kScratch, from - pos) : n - got;
            room = size_t(std::min<uint64_t>(room, limitOut - pos));
            const bool probing = room == 0;
            if (probing) {
                out = probe;
                room = kProbe;
            }
            const size_t made = cursor->inflate(out, room);
            if (probing && made > 0)
                mismatch("a member inflates past byte " + std::to_string(limitOut));
            pos += made;
            if (!discard)
                got += made;
            if (recording && zlib.atBlockBoundary())
                atBlockBoundary();
        }
        return got;
    }
};

HourReader::HourReader(std::string_view gz, std::shared_ptr<HourIndex> index, uint64_t from,
                       Inflate inflate)
    : impl_(std::make_unique<Impl>()) {
    Impl& r = *impl_;
    if (gz.size() != index->gzSize())
        mismatch("the index is of " + std::to_string(index->gzSize()) + " bytes, not " +
                 std::to_string(gz.size()));
    if (from > index->size())
        throw std::out_of_range("HourReader: offset " + std::to_string(from) +
                                " past the hour's end");
    r.gz = gz;
    r.size = index->size();
    r.from = from;
    r.verified = index->membersVerified();
    r.members = index->members();
    if (inflate == Inflate::Auto && !zlibForced())
        r.isal = makeIsalCursor();
    r.index = std::move(index);
    if (gz.empty()) {
        if (r.size != 0)
            mismatch("no bytes for " + std::to_string(r.size) + " inflated");
        r.done = true;
        return;
    }
    r.startAt(r.index->nearest(from));
}

HourReader::~HourReader() = default;

size_t HourReader::read(char* dst, size_t n) {
    return impl_->read(dst, n);
}

uint64_t HourReader::position() const {
    return std::max(impl_->pos, impl_->from);
}

}  // namespace atfs::read
