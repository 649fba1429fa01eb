// BodyDecoder: gzip inflated incrementally, the cap on inflated bytes, corrupt and cut streams.
#include "http/BodyDecoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace atd::http {
namespace {

std::string gzip(const std::string& plain) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(compressBound(uLong(plain.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = uInt(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// Feeds `body` in pieces of `step` bytes, as the network would.
bool feedInPieces(BodyDecoder& d, const std::string& body, size_t step) {
    for (size_t at = 0; at < body.size(); at += step) {
        if (!d.feed(body.data() + at, std::min(step, body.size() - at)))
            return false;
    }
    return d.finish();
}

TEST(BodyDecoder, IdentityKeepsTheBytes) {
    BodyDecoder d("", 100);
    ASSERT_TRUE(feedInPieces(d, "hello\nworld\n", 3));
    EXPECT_EQ(d.take(), "hello\nworld\n");
}

TEST(BodyDecoder, GzipMembersAreInflatedInPieces) {
    const std::string a(100000, 'a'), b = "second member\n";
    BodyDecoder d("gzip", 1 << 20);
    ASSERT_TRUE(feedInPieces(d, gzip(a) + gzip(b), 7));
    EXPECT_EQ(d.take(), a + b);
}

TEST(BodyDecoder, TheCapCountsInflatedBytes) {
    const std::string zeros(size_t(4) << 20, '\0');
    const auto gz = gzip(zeros);
    ASSERT_LT(gz.size(), size_t(64) << 10);
    BodyDecoder d("x-gzip", size_t(1) << 20);
    EXPECT_FALSE(feedInPieces(d, gz, 4096));
    EXPECT_EQ(d.failure(), BodyDecoder::Failure::TooLarge);
    EXPECT_LE(d.decodedBytes(), size_t(1) << 20);
}

TEST(BodyDecoder, IdentityOverTheCapIsTooLarge) {
    BodyDecoder d("identity", 10);
    EXPECT_FALSE(feedInPieces(d, std::string(11, 'x'), 4));
    EXPECT_EQ(d.failure(), BodyDecoder::Failure::TooLarge);
}

TEST(BodyDecoder, CutAndCorruptGzipAreCorrupt) {
    auto gz = gzip("some text that is long enough to matter\n");
    BodyDecoder cut("gzip", 1000);
    EXPECT_FALSE(feedInPieces(cut, gz.substr(0, gz.size() - 4), 5));
    EXPECT_EQ(cut.failure(), BodyDecoder::Failure::Corrupt);
    gz[12] = char(gz[12] ^ 0x55);
    BodyDecoder bad("gzip", 1000);
    EXPECT_FALSE(feedInPieces(bad, gz + "trailing junk", 5));
    EXPECT_EQ(bad.failure(), BodyDecoder::Failure::Corrupt);
    BodyDecoder junk("gzip", 1000);
    EXPECT_FALSE(feedInPieces(junk, "not gzip at all", 3));
}

TEST(BodyDecoder, OnlyIdentityAndGzipAreSupported) {
    EXPECT_TRUE(BodyDecoder::supports(""));
    EXPECT_TRUE(BodyDecoder::supports("GZIP"));
    EXPECT_TRUE(BodyDecoder::supports("identity"));
    EXPECT_FALSE(BodyDecoder::supports("br"));
    EXPECT_FALSE(BodyDecoder::supports("gzip, gzip"));
}

TEST(BodyDecoder, DrainHandsOverPiecesAndFreesThem) {
    const std::string big(size_t(3) << 20, 'q');
    BodyDecoder d("", big.size());
    ASSERT_TRUE(feedInPieces(d, big, 65536));
    std::string got;
    size_t calls = 0;
    ASSERT_TRUE(d.drain([&](const char* p, size_t n) {
        got.append(p, n);
        ++calls;
        return true;
    }));
    EXPECT_EQ(got, big);
    EXPECT_GE(calls, 3u);
}

}  // namespace
}  // namespace atd::http
