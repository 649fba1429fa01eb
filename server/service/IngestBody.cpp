#include "service/IngestBody.h"

#include <zlib.h>

#include "service/ApiError.h"

namespace atd {

namespace {

bool looksGzipped(const std::string& body) {
    return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
           static_cast<unsigned char>(body[1]) == 0x8b;
}

ApiError tooLarge(size_t maxBytes) {
    return ApiError(413, "ingest body is over " + std::to_string(maxBytes >> 20) +
                             " MiB (inflated): split it into smaller batches");
}

std::string inflateAllMembers(const std::string& in, size_t maxBytes) {
    std::string out;
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        throw ApiError(500, "zlib inflateInit2 failed while reading a gzip ingest body");
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    char buf[1 << 16];
    int rc = Z_OK;
    while (true) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > maxBytes) {
            inflateEnd(&zs);
            throw tooLarge(maxBytes);
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) {
                break;
            }
            inflateReset(&zs);  // another gzip member follows
            continue;
        }
        if (rc != Z_OK) {
            break;
        }
        if (zs.avail_in == 0 && zs.avail_out != 0) {
            rc = Z_BUF_ERROR;  // input ended inside a member
            break;
        }
    }
    std::string why = zs.msg ? zs.msg : "unexpected end of data";
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        throw ApiError(400, "the gzip ingest body is corrupt or truncated (zlib: " + why + ")");
    }
    return out;
}

}  // namespace

std::string plainIngestBody(std::string body, size_t maxBytes) {
    if (body.size() > maxBytes) {
        throw tooLarge(maxBytes);
    }
    if (!looksGzipped(body)) {
        return body;
    }
    if (body.size() > UINT32_MAX) {
        throw tooLarge(maxBytes);
    }
    return inflateAllMembers(body, maxBytes);
}

}  // namespace atd
