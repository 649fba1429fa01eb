#include "store/Gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

#ifdef ATFS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace atd {
namespace {

// zlib counts in uInt; feed it at most this much per call.
constexpr size_t kZlibChunk = size_t(1) << 30;

void zlibMember(std::string& out, std::string_view data) {
    z_stream zs{};
    // 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("gzip: zlib deflateInit2 failed (out of memory?)");
    }
    const size_t start = out.size();
    size_t used = 0;
    out.resize(start + deflateBound(&zs, uLong(std::min(data.size(), kZlibChunk))) + 64);
    size_t offset = 0;
    int rc = Z_OK;
    do {
        size_t inChunk = std::min(data.size() - offset, kZlibChunk);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
        zs.avail_in = uInt(inChunk);
        offset += inChunk;
        const int flush = offset == data.size() ? Z_FINISH : Z_NO_FLUSH;
        do {
            if (out.size() - start - used < 64 * 1024)
                out.resize(out.size() + out.size() / 2 + 65536);
            size_t room = std::min(out.size() - start - used, kZlibChunk);
            zs.next_out = reinterpret_cast<Bytef*>(out.data() + start + used);
            zs.avail_out = uInt(room);
            rc = deflate(&zs, flush);
            used += room - zs.avail_out;
            if (rc == Z_STREAM_ERROR) {
                deflateEnd(&zs);
                throw std::runtime_error("gzip: zlib deflate failed");
            }
        } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    } while (offset < data.size());
    deflateEnd(&zs);
    out.resize(start + used);
}

#ifdef ATFS_HAVE_ISAL
void isalMember(std::string& out, std::string_view data) {
    isal_zstream zs{};
    isal_deflate_init(&zs);
    zs.next_in = nullptr;  // init leaves the input fields alone
    zs.avail_in = 0;
    auto levelBuf = std::make_unique<uint8_t[]>(ISAL_DEF_LVL1_DEFAULT);
    zs.level = 1;
    zs.level_buf = levelBuf.get();
    zs.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    zs.gzip_flag = IGZIP_GZIP;
    zs.flush = NO_FLUSH;

    const size_t start = out.size();
    size_t used = 0;
    // JSON lines deflate to about a tenth; start there and grow rarely, rather than zero-filling
    // a worst-case buffer for every member.
    out.resize(start + data.size() / 6 + 65536);
    size_t offset = 0;
    constexpr size_t kChunk = size_t(1) << 30;  // avail_in is 32-bit
    while (true) {
        if (zs.avail_in == 0 && offset < data.size()) {
            size_t inChunk = std::min(data.size() - offset, kChunk);
            zs.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data() + offset));
            zs.avail_in = uint32_t(inChunk);
            offset += inChunk;
        }
        zs.end_of_stream = offset == data.size() ? 1 : 0;
        if (out.size() - start - used < 4096)
            out.resize(out.size() + out.size() / 2 + 65536);
        size_t room = std::min(out.size() - start - used, kChunk);
        zs.next_out = reinterpret_cast<uint8_t*>(out.data() + start + used);
        zs.avail_out = uint32_t(room);
        if (isal_deflate(&zs) != COMP_OK)
            throw std::runtime_error("gzip: isal_deflate failed");
        used += room - zs.avail_out;
        if (zs.internal_state.state == ZSTATE_END)
            break;
    }
    out.resize(start + used);
}
#endif

}  // namespace

Compressor defaultCompressor() {
    return isalAvailable() ? Compressor::Isal : Compressor::Zlib;
}

void appendGzipMember(std::string& out, std::string_view data, Compressor compressor) {
#ifdef ATFS_HAVE_ISAL
    if (compressor == Compressor::Isal)
        return isalMember(out, data);
#else
    if (compressor == Compressor::Isal) {
        throw std::runtime_error("gzip: this atd was built without ISA-L; use zlib");
    }
#endif
    zlibMember(out, data);
}

std::string gunzipAll(std::string_view gzip) {
    std::string out;
    size_t offset = 0;
    while (offset < gzip.size()) {
        z_stream zs{};
        if (inflateInit2(&zs, 15 + 16) != Z_OK)
            throw std::runtime_error("gunzip: out of memory");
        int rc = Z_OK;
        while (rc != Z_STREAM_END) {
            size_t inChunk = std::min(gzip.size() - offset, kZlibChunk);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data() + offset));
            zs.avail_in = uInt(inChunk);
            char buf[65536];
            zs.next_out = reinterpret_cast<Bytef*>(buf);
            zs.avail_out = sizeof buf;
            rc = inflate(&zs, Z_NO_FLUSH);
            offset += inChunk - zs.avail_in;
            out.append(buf, sizeof buf - zs.avail_out);
            if (rc == Z_BUF_ERROR && inChunk == 0)
                rc = Z_DATA_ERROR;  // truncated
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                inflateEnd(&zs);
                throw std::runtime_error("gunzip: stored gzip data is corrupt or truncated");
            }
        }
        inflateEnd(&zs);
    }
    return out;
}

}  // namespace atd
