#include "TestGzip.h"

#include <zlib.h>

#include <random>
#include <stdexcept>

namespace at::test {

std::string makeEventLines(size_t count, uint32_t seed) {
    std::mt19937 rng(seed);
    static const char* actions[] = {"iam.apikey.create", "cos.bucket.read", "kms.key.rotate",
                                    "vpc.instance.start"};
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        out += "{\"id\":\"ev-" + std::to_string(seed) + "-" + std::to_string(i) +
               "\",\"eventTime\":\"2017-07-25T10:" + std::to_string(10 + i % 50) +
               ":28.54+0000\"," + "\"action\":\"" + actions[rng() % 4] +
               "\",\"outcome\":\"success\",\"nonce\":" + std::to_string(rng()) + "}\n";
    }
    return out;
}

std::string gzipMember(const std::string& text, int level) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out(deflateBound(&z, uLong(text.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = uInt(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("deflate did not finish");
    return out;
}

std::string gzipMembers(const std::string& text, size_t members) {
    std::string out;
    const size_t part = (text.size() + members - 1) / members;
    for (size_t offset = 0; offset < text.size(); offset += part) {
        out += gzipMember(text.substr(offset, part));
    }
    return out;
}

std::string randomBytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (char& c : out)
        c = char(rng() & 0xff);
    return out;
}

}  // namespace at::test
