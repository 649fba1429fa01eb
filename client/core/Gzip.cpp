#include "at/Gzip.h"

#ifdef ATFS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#include <zlib.h>

#include <limits>
#include <stdexcept>

namespace at {

// A link-time fact of this library: atgzip is built with ATFS_HAVE_ISAL exactly when its
// users (atclient, atstore) are, since all of them follow ISAL_FOUND.
const char* isalErrorText(int rc) {
#ifdef ATFS_HAVE_ISAL
    switch (rc) {
        case ISAL_INVALID_BLOCK:
            return "invalid deflate block";
        case ISAL_INVALID_SYMBOL:
            return "invalid deflate symbol";
        case ISAL_INVALID_LOOKBACK:
            return "invalid lookback distance";
        case ISAL_INVALID_WRAPPER:
            return "invalid gzip header";
        case ISAL_INCORRECT_CHECKSUM:
            return "gzip trailer mismatch (CRC32/ISIZE)";
        case ISAL_NEED_DICT:
            return "stream needs a dictionary";
        default:
            break;
    }
#endif
    (void)rc;
    return "isal_inflate failed";
}

bool isalAvailable() {
#ifdef ATFS_HAVE_ISAL
    return true;
#else
    return false;
#endif
}

std::string gzipMember(std::string_view data, int level) {
    static_assert(Z_BEST_SPEED == 1, "at::gzipMember's default level is Z_BEST_SPEED");
    // One deflate call with one input length: refuse what would not fit rather than
    // silently compress a truncated input.
    if (data.size() > std::numeric_limits<uInt>::max())
        throw std::length_error("gzipMember: input of 4 GiB or more");
    z_stream z{};
    // 15 + 16: a gzip header and trailer around the deflate stream, as the service sends.
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("gzipMember: deflateInit2 failed");
    // deflateBound covers the gzip wrapper too; the slack is belt and braces.
    std::string out(deflateBound(&z, uLong(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("gzipMember: deflate did not finish");
    return out;
}

}  // namespace at
