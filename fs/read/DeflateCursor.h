// One gzip member's deflate stream inflated from a bit position (its first block, or an
// access point with its window) to its trailer, which is checked against the CRC32 and ISIZE
// of everything the member produced (the part before the start point comes in DeflateStart).
// Raw deflate only: HourReader reads the headers (GzipMember.h), so ISA-L and zlib accept
// exactly the same members. Two implementations: ISA-L (fast; cannot stop at a block
// boundary) and zlib (stops at every block boundary, so it records access points).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace atfs::read {

struct DeflateStart {
    uint64_t in = 0;          // offset in the hour's bytes of the first whole byte to inflate
    uint8_t bits = 0;         // bits of the byte before `in` still to inflate (0-7)
    std::string_view window;  // up to 32 KiB of the member's output before this point
    uint32_t crc = 0;         // CRC32 of the member's output before this point
    uint32_t isize = 0;       // the member's output before this point, modulo 2^32
};

class DeflateCursor {
  public:
    virtual ~DeflateCursor() = default;
    // Starts over at `start` of `gz`; never reads input at or past `limit`.
    virtual void start(std::string_view gz, uint64_t limit, const DeflateStart& start) = 0;
    // Up to n (> 0) bytes of output; fewer, even 0, when a block or the member ends. Throws
    // at::ApiError (Integrity) on corrupt data, a trailer mismatch, or input ending at `limit`
    // inside the member.
    virtual size_t inflate(char* dst, size_t n) = 0;
    // The member's trailer has been read and matched; trailerEnd() is the offset after it.
    virtual bool finished() const = 0;
    virtual uint64_t trailerEnd() const = 0;
    virtual const char* name() const = 0;
};

std::unique_ptr<DeflateCursor> makeIsalCursor();  // nullptr when built without ISA-L

class ZlibCursor final : public DeflateCursor {
  public:
    ZlibCursor();
    ~ZlibCursor() override;
    ZlibCursor(const ZlibCursor&) = delete;
    ZlibCursor& operator=(const ZlibCursor&) = delete;

    void start(std::string_view gz, uint64_t limit, const DeflateStart& start) override;
    size_t inflate(char* dst, size_t n) override;
    bool finished() const override { return finished_; }
    uint64_t trailerEnd() const override { return pos_; }
    const char* name() const override { return "zlib"; }

    // True right after a block ended with another to follow: inflate() returns there, so a
    // point can be taken (`window` receives the last 32 KiB of output; the view points
    // into it).
    bool atBlockBoundary() const { return boundary_; }
    DeflateStart here(std::string& window) const;

  private:
    struct Stream;
    std::unique_ptr<Stream> z_;
    std::string_view gz_;
    uint64_t limit_ = 0;
    uint64_t pos_ = 0;  // next input byte (after the trailer once finished)
    uint32_t crc_ = 0;
    uint32_t isize_ = 0;
    bool boundary_ = false;
    bool finished_ = false;
};

}  // namespace atfs::read
