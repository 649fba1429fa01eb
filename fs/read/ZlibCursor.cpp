#include <zlib.h>

#include <algorithm>

#include "at/Error.h"
#include "read/DeflateCursor.h"
#include "read/GzipMember.h"

namespace atfs::read {
namespace {

constexpr size_t kZlibChunk = size_t(1) << 30;  // zlib counts in uInt
constexpr uInt kWindow = 32768;

[[noreturn]] void corrupt(const std::string& why) {
    throw at::ApiError(at::ErrorKind::Integrity, "inflate", 0, "corrupt gzip data: " + why);
}

}  // namespace

struct ZlibCursor::Stream {
    z_stream z{};
};

ZlibCursor::ZlibCursor() : z_(std::make_unique<Stream>()) {
    if (inflateInit2(&z_->z, -15) != Z_OK)  // raw deflate: the headers are read by the caller
        throw at::ApiError(at::ErrorKind::Integrity, "inflate", 0, "zlib could not initialise");
}

ZlibCursor::~ZlibCursor() {
    inflateEnd(&z_->z);
}

void ZlibCursor::start(std::string_view gz, uint64_t limit, const DeflateStart& start) {
    gz_ = gz;
    limit_ = std::min<uint64_t>(limit, gz.size());
    pos_ = start.in;
    crc_ = start.crc;
    isize_ = start.isize;
    boundary_ = false;
    finished_ = false;
    inflateReset(&z_->z);
    if (start.bits > 0) {
        const auto partial = static_cast<uint8_t>(gz[start.in - 1]);
        inflatePrime(&z_->z, start.bits, partial >> (8 - start.bits));
    }
    if (!start.window.empty() &&
        inflateSetDictionary(&z_->z, reinterpret_cast<const Bytef*>(start.window.data()),
                             uInt(start.window.size())) != Z_OK) {
        corrupt("zlib refused an access point's window");
    }
}

size_t ZlibCursor::inflate(char* dst, size_t n) {
    if (finished_)
        return 0;
    z_stream& z = z_->z;
    const uInt inChunk = uInt(std::min<uint64_t>(limit_ - pos_, kZlibChunk));
    const uInt outChunk = uInt(std::min(n, kZlibChunk));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz_.data() + pos_));
    z.avail_in = inChunk;
    z.next_out = reinterpret_cast<Bytef*>(dst);
    z.avail_out = outChunk;
    // Z_BLOCK: back at every block boundary, where an access point can be taken.
    const int rc = ::inflate(&z, Z_BLOCK);
    const size_t made = outChunk - z.avail_out;
    pos_ += inChunk - z.avail_in;
    crc_ = uint32_t(crc32(crc_, reinterpret_cast<const Bytef*>(dst), uInt(made)));
    isize_ += uint32_t(made);
    boundary_ = false;
    if (rc == Z_STREAM_END) {
        if (limit_ - pos_ < kGzipTrailer)
            corrupt("the member's trailer is cut off");
        const GzipTrailer t = gzipTrailerAt(gz_, pos_);
        if (t.crc != crc_ || t.isize != isize_)
            corrupt("gzip trailer mismatch (CRC32/ISIZE)");
        pos_ += kGzipTrailer;
        finished_ = true;
        return made;
    }
    if (rc == Z_OK) {
        boundary_ = (z.data_type & 128) && !(z.data_type & 64);
        return made;
    }
    // No progress with room to write: the input ran out inside the member.
    if (rc == Z_BUF_ERROR && made == 0 && pos_ == limit_)
        corrupt("the data ends inside a member");
    if (rc == Z_BUF_ERROR && (made > 0 || z.avail_in < inChunk))
        return made;
    corrupt(z.msg ? z.msg : "zlib error " + std::to_string(rc));
}

DeflateStart ZlibCursor::here(std::string& window) const {
    window.resize(kWindow);
    uInt len = kWindow;
    inflateGetDictionary(&z_->z, reinterpret_cast<Bytef*>(window.data()), &len);
    window.resize(len);
    DeflateStart s;
    s.in = pos_;
    s.bits = uint8_t(z_->z.data_type & 7);
    s.window = window;
    s.crc = crc_;
    s.isize = isize_;
    return s;
}

}  // namespace atfs::read
