// HourIndex's disk form (kept by the cache next to the hour's bytes, so read back as outside
// bytes): a versioned header, the points with their windows deflated, and a CRC32 of all of
// it. parse() checks every field against the hour's bytes and size, and re-checks the member
// set's trailers, so a blob that parses never makes a reader start anywhere but where the
// bytes say a member or a block starts... or the reader's CRC checks catch it.
#include <zlib.h>

#include <cstring>

#include "read/GzipMember.h"
#include "read/HourIndex.h"
#include "read/MemberScan.h"

namespace atfs::read {
namespace {

constexpr char kMagic[4] = {'A', 'T', 'H', 'I'};
constexpr uint8_t kVersion = 1;
constexpr uint8_t kFlagVerified = 1;
constexpr uint8_t kKindMember = 1;
constexpr uint8_t kKindInner = 2;
constexpr size_t kMaxWindow = 32768;
// out, in, memberOut, crc, bits, kind, window length, packed length.
constexpr size_t kPointBytes = 8 + 8 + 8 + 4 + 1 + 1 + 4 + 4;

void put(std::string& s, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        s.push_back(char((v >> (8 * i)) & 0xff));
}

class Reader {
  public:
    explicit Reader(std::string_view s) : s_(s) {}
    bool get(uint64_t& v, int bytes) {
        if (s_.size() - at_ < size_t(bytes))
            return false;
        v = 0;
        for (int i = 0; i < bytes; ++i)
            v |= uint64_t(static_cast<uint8_t>(s_[at_ + i])) << (8 * i);
        at_ += bytes;
        return true;
    }
    bool take(std::string_view& v, size_t n) {
        if (s_.size() - at_ < n)
            return false;
        v = s_.substr(at_, n);
        at_ += n;
        return true;
    }
    size_t left() const { return s_.size() - at_; }

  private:
    std::string_view s_;
    size_t at_ = 0;
};

uint32_t crcOf(std::string_view s) {
    return uint32_t(crc32(0, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size())));
}

std::string pack(const std::string& window) {
    uLongf len = compressBound(uLong(window.size()));
    std::string out(len, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &len,
                  reinterpret_cast<const Bytef*>(window.data()), uLong(window.size()),
                  Z_BEST_SPEED) != Z_OK)
        return {};
    out.resize(len);
    return out;
}

bool unpack(std::string_view packed, size_t length, std::string& window) {
    window.assign(length, '\0');
    uLongf len = uLongf(length);
    return uncompress(reinterpret_cast<Bytef*>(window.data()), &len,
                      reinterpret_cast<const Bytef*>(packed.data()),
                      uLong(packed.size())) == Z_OK &&
           len == length;
}

// The member set's trailers add up as the scan found them.
bool membersFit(std::string_view gz, uint64_t size, const std::vector<AccessPoint>& members) {
    for (size_t i = 0; i < members.size(); ++i) {
        const uint64_t end = i + 1 < members.size() ? members[i + 1].in : gz.size();
        const uint64_t outEnd = i + 1 < members.size() ? members[i + 1].out : size;
        if (outEnd < members[i].out || !plausibleMember(gz, members[i].in, end, size) ||
            gzipTrailerAt(gz, end - kGzipTrailer).isize != uint32_t(outEnd - members[i].out))
            return false;
    }
    return true;
}

}  // namespace

std::string HourIndex::serialize() const {
    std::string s(kMagic, sizeof kMagic);
    put(s, kVersion, 1);
    put(s, membersVerified_ ? kFlagVerified : 0, 1);
    put(s, 0, 2);
    put(s, size_, 8);
    put(s, gzSize_, 8);
    std::lock_guard lock(mu_);
    put(s, points_.size(), 4);
    for (const AccessPoint& p : points_) {
        const std::string packed = p.window.empty() ? std::string() : pack(p.window);
        put(s, p.out, 8);
        put(s, p.in, 8);
        put(s, p.memberOut, 8);
        put(s, p.crc, 4);
        put(s, p.bits, 1);
        put(s, p.memberStart ? kKindMember : kKindInner, 1);
        put(s, p.window.size(), 4);
        put(s, packed.size(), 4);
        s += packed;
    }
    put(s, crcOf(s), 4);
    return s;
}

std::shared_ptr<HourIndex> HourIndex::parse(std::string_view blob, std::string_view gz,
                                            uint64_t size) {
    if (blob.size() < sizeof kMagic + 4 + 16 + 4 + 4 ||
        std::memcmp(blob.data(), kMagic, sizeof kMagic) != 0)
        return nullptr;
    const std::string_view body = blob.substr(0, blob.size() - 4);
    Reader tail(blob.substr(blob.size() - 4));
    uint64_t crc = 0;
    if (!tail.get(crc, 4) || crc != crcOf(body))
        return nullptr;

    Reader r(body.substr(sizeof kMagic));
    uint64_t version, flags, reserved, blobSize, blobGzSize, count;
    if (!r.get(version, 1) || version != kVersion || !r.get(flags, 1) ||
        (flags & ~uint64_t(kFlagVerified)) || !r.get(reserved, 2) || reserved != 0 ||
        !r.get(blobSize, 8) || blobSize != size || !r.get(blobGzSize, 8) ||
        blobGzSize != gz.size() || !r.get(count, 4) || count > r.left() / kPointBytes)
        return nullptr;

    auto index = std::make_shared<HourIndex>();
    index->size_ = size;
    index->gzSize_ = gz.size();
    index->membersVerified_ = flags & kFlagVerified;
    for (uint64_t i = 0; i < count; ++i) {
        AccessPoint p;
        uint64_t out, in, memberOut, pcrc, bits, kind, windowLen, packedLen;
        std::string_view packed;
        if (!r.get(out, 8) || !r.get(in, 8) || !r.get(memberOut, 8) || !r.get(pcrc, 4) ||
            !r.get(bits, 1) || !r.get(kind, 1) || !r.get(windowLen, 4) || !r.get(packedLen, 4) ||
            !r.take(packed, packedLen))
            return nullptr;
        if (in >= gz.size() || out > size || bits > 7 || (bits > 0 && in == 0) || memberOut > out ||
            windowLen > kMaxWindow)
            return nullptr;
        // By `out`, then by `in`; only members can share an `out` (empty members).
        if (!index->points_.empty()) {
            const AccessPoint& last = index->points_.back();
            if (in <= last.in || out < last.out ||
                (out == last.out && !(kind == kKindMember && last.memberStart)))
                return nullptr;
            // add() keeps inner points kPointSpan / 2 from every other point; this also bounds
            // the windows a blob can make parse() allocate (a 32 KiB window packs to ~50 bytes).
            if ((kind != kKindMember || !last.memberStart) && out - last.out < kPointSpan / 2)
                return nullptr;
        }
        p.out = out;
        p.in = in;
        p.bits = uint8_t(bits);
        p.memberOut = memberOut;
        p.crc = uint32_t(pcrc);
        if (kind == kKindMember) {
            if (bits != 0 || memberOut != out || pcrc != 0 || windowLen != 0 || packedLen != 0)
                return nullptr;  // verified members' headers: membersFit() below
            p.memberStart = true;
            index->members_.push_back(p);
        } else if (kind == kKindInner) {
            // Inside a member already listed, with the window zlib gives there.
            if (index->members_.empty() || out >= size || memberOut < index->members_.back().out ||
                (index->membersVerified_ && memberOut != index->members_.back().out) ||
                windowLen != std::min<uint64_t>(kMaxWindow, out - memberOut) ||
                !unpack(packed, windowLen, p.window))
                return nullptr;
        } else {
            return nullptr;
        }
        index->points_.push_back(std::move(p));
    }
    if (r.left() != 0)
        return nullptr;
    // The members: as a scan finds them (verified), or the one piece at 0; none for an empty hour.
    const auto& members = index->members_;
    if (gz.empty()) {
        // No bytes: nothing to read (verified when the size is 0 too; else every read fails).
        if (!index->points_.empty() || index->membersVerified_ != (size == 0))
            return nullptr;
        return index;
    }
    if (members.empty() || members[0].in != 0 || members[0].out != 0)
        return nullptr;
    if (index->membersVerified_ ? !membersFit(gz, size, members) : members.size() != 1)
        return nullptr;
    return index;
}

}  // namespace atfs::read
