#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

#include "store/Gzip.h"

namespace atd {
namespace {

// Inflates with plain zlib, member after member, as any gzip reader would.
std::string zlibInflateAll(const std::string& gz) {
    std::string out;
    size_t offset = 0;
    while (offset < gz.size()) {
        z_stream zs{};
        EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data() + offset));
        zs.avail_in = uInt(gz.size() - offset);
        int rc = Z_OK;
        while (rc == Z_OK) {
            char buf[4096];
            zs.next_out = reinterpret_cast<Bytef*>(buf);
            zs.avail_out = sizeof buf;
            rc = inflate(&zs, Z_NO_FLUSH);
            out.append(buf, sizeof buf - zs.avail_out);
        }
        EXPECT_EQ(rc, Z_STREAM_END);
        offset = gz.size() - zs.avail_in;
        inflateEnd(&zs);
        if (rc != Z_STREAM_END)
            break;
    }
    return out;
}

std::string sampleText(size_t size) {
    std::mt19937_64 rng(7);
    std::string text;
    while (text.size() < size) {
        text += "{\"action\":\"kms.secrets.wrap\",\"id\":\"" + std::to_string(rng()) + "\"}\n";
    }
    text.resize(size);
    return text;
}

class GzipMembers : public ::testing::TestWithParam<Compressor> {};

TEST_P(GzipMembers, ConcatenatedMembersInflateWithZlib) {
    if (GetParam() == Compressor::Isal && !isalAvailable()) {
        std::string out;
        EXPECT_THROW(appendGzipMember(out, "x", Compressor::Isal), std::runtime_error);
        return;
    }
    std::string gz;
    const std::string a = sampleText(3 << 20), b = "", c = sampleText(1000);
    appendGzipMember(gz, a, GetParam());
    appendGzipMember(gz, b, GetParam());
    appendGzipMember(gz, c, GetParam());
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    EXPECT_LT(gz.size(), a.size() / 2);
    EXPECT_EQ(zlibInflateAll(gz), a + b + c);
    EXPECT_EQ(gunzipAll(gz), a + b + c);
}

INSTANTIATE_TEST_SUITE_P(BothCompressors, GzipMembers,
                         ::testing::Values(Compressor::Zlib, Compressor::Isal));

TEST(Gzip, TruncatedOrCorruptInputIsAnError) {
    std::string gz;
    appendGzipMember(gz, sampleText(100000));
    EXPECT_THROW(gunzipAll(gz.substr(0, gz.size() - 5)), std::runtime_error);
    std::string bad = gz;
    bad[bad.size() / 2] ^= 0x55;
    bad[bad.size() / 2 + 1] ^= 0x55;
    EXPECT_THROW(gunzipAll(bad), std::runtime_error);
    EXPECT_EQ(gunzipAll(""), "");
}

}  // namespace
}  // namespace atd
