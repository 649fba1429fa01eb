// The inside of one hour's gzip bytes, so it can be read from anywhere: where each member
// starts (found by scanning the bytes for member headers, each member's inflated length read
// from its trailer's ISIZE, and accepted only when they add up to the hour's inflated size per
// the status; otherwise the hour is one piece read from its start), and zran-style access
// points inside members (a bit position in the deflate stream and the 32 KiB of output
// before it), recorded while inflating, so a later read starts from the nearest point.
// Shared between threads (the reader, the inflate pool, the cache): points are added under a lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace atfs::read {

struct MemberStart;  // read/MemberScan.h

struct AccessPoint {
    uint64_t out = 0;          // inflated offset within the hour
    uint64_t in = 0;           // offset within the hour's gzip bytes of the first whole byte
    uint8_t bits = 0;          // bits of the byte before `in` that are still to be inflated
    bool memberStart = false;  // a gzip header starts at `in`: no window needed
    std::string window;        // up to 32 KiB of output before `out` (empty at a member start)
    // Inner points only: where the gzip member holding the point starts (inflated offset), and
    // the CRC32 of that member's output up to `out`, so a read from here still checks the
    // member's trailer (CRC32 and ISIZE) at its end.
    uint64_t memberOut = 0;
    uint32_t crc = 0;
};

class HourIndex {
  public:
    // Output between two access points inside a member: a read far into a member inflates
    // at most this much before its first byte (~0.5 ms with ISA-L), for 32 KiB of window each.
    static constexpr uint64_t kPointSpan = 1 << 20;

    // Member starts of one hour's bytes `gz`, whose inflated size is `size`.
    static std::shared_ptr<HourIndex> scan(std::string_view gz, uint64_t size);
    // The hour as one piece read front to back, as scan() gives it when the members do not
    // add up.
    static std::shared_ptr<HourIndex> onePiece(std::string_view gz, uint64_t size);
    // From serialize()'s bytes (the disk cache); nullptr when they do not parse or do not fit.
    static std::shared_ptr<HourIndex> parse(std::string_view blob, std::string_view gz,
                                            uint64_t size);
    std::string serialize() const;

    uint64_t size() const { return size_; }
    // Member starts in order: pieces that inflate independently of each other.
    std::vector<AccessPoint> members() const;
    // A copy of the point with the greatest `out` <= offset.
    AccessPoint nearest(uint64_t offset) const;
    // Keeps points sorted; one within kPointSpan / 2 of an existing point is dropped.
    void add(AccessPoint point);
    size_t pointCount() const;
    // The `out` of every point (member starts and inner ones), in order: where a block of the
    // hour's output can start.
    std::vector<uint64_t> pointOffsets() const;
    bool membersVerified() const;  // the scan's member starts added up (else: one piece)
    uint64_t gzSize() const { return gzSize_; }  // the length of the bytes it was built for

  private:
    static std::shared_ptr<HourIndex> build(std::string_view gz, uint64_t size,
                                            std::vector<MemberStart> members);

    uint64_t size_ = 0;
    uint64_t gzSize_ = 0;
    bool membersVerified_ = false;
    std::vector<AccessPoint> members_;  // fixed once built: read without the lock
    mutable std::mutex mu_;
    std::vector<AccessPoint> points_;  // member starts and inner points, by `out`
};

// A cursor over one hour's inflated bytes: starts at the nearest point at or before `from`,
// inflates up to `from`, then reads on in order, adding an access point to the index every
// kPointSpan of output it passes inside a member. Throws at::ApiError (Integrity) when the
// bytes do not inflate to what the index says: a member that does not end where the next
// one starts, a CRC32/ISIZE mismatch, output past the hour's size, input that runs out.
// `gz` must outlive the reader.
//
// The inflater: ISA-L (at full speed; it cannot stop at a deflate block boundary, so it records
// no points) from member starts and from points near `from`; zlib (which stops at every block
// boundary) from a point more than kPointSpan before `from`, recording points up to there,
// and then ISA-L on from the last of them. Built without ISA-L, or with ATFS_INFLATER=zlib
// in the environment, or asked for Inflate::Zlib: zlib throughout, recording every point.
enum class Inflate { Auto, Zlib };

class HourReader {
  public:
    HourReader(std::string_view gz, std::shared_ptr<HourIndex> index, uint64_t from,
               Inflate inflate = Inflate::Auto);
    ~HourReader();
    HourReader(const HourReader&) = delete;
    HourReader& operator=(const HourReader&) = delete;

    // 0 at the hour's end (after every trailer is checked). The last byte of a member comes
    // only after its trailer checked out: a caller that reads exactly one member (up to the
    // next member's `out`) has had it verified whole.
    size_t read(char* dst, size_t n);
    uint64_t position() const;  // inflated offset within the hour

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atfs::read
