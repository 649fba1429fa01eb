#include "TestGzip.h"

#include <random>

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
