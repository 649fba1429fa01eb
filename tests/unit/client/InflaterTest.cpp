// Both inflaters: multi-member streams, identical output, corrupt and truncated input.
#include "Inflater.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "TestGzip.h"
#include "at/Error.h"

namespace at {
namespace {

// Inflates `gz` feeding at most inStep bytes and asking for at most outStep at a time;
// checks at the end that the stream closed on a member boundary.
std::string inflateAll(Inflater& inflater, const std::string& gz, size_t inStep, size_t outStep) {
    std::string out;
    std::vector<char> buf(outStep);
    size_t offset = 0;
    for (;;) {
        const size_t inLen = std::min(inStep, gz.size() - offset);
        const auto step = inflater.inflate(gz.data() + offset, inLen, buf.data(), buf.size());
        offset += step.consumed;
        out.append(buf.data(), step.produced);
        if (offset == gz.size() && step.produced == 0)
            break;
        if (step.consumed == 0 && step.produced == 0)
            throw std::runtime_error("no progress");
    }
    if (!inflater.atMemberBoundary()) {
        throw ApiError(ErrorKind::Integrity, "inflate", 0, "truncated");
    }
    return out;
}

class InflaterKinds : public ::testing::TestWithParam<InflaterKind> {};

TEST_P(InflaterKinds, InflatesMultiMemberStreamWhole) {
    const std::string text = test::makeEventLines(5000, 1);
    const std::string gz = test::gzipMembers(text, 7);
    auto inflater = makeInflater(GetParam());
    EXPECT_EQ(inflateAll(*inflater, gz, gz.size(), 1 << 20), text);
}

TEST_P(InflaterKinds, SmallStepsGiveTheSameBytes) {
    const std::string text = test::makeEventLines(800, 2);
    const std::string gz = test::gzipMembers(text, 5);
    auto inflater = makeInflater(GetParam());
    EXPECT_EQ(inflateAll(*inflater, gz, 7, 13), text);
}

TEST_P(InflaterKinds, EmptyMembersAreAccepted) {
    const std::string gz = test::gzipMember("") + test::gzipMember("a\n") + test::gzipMember("");
    auto inflater = makeInflater(GetParam());
    EXPECT_EQ(inflateAll(*inflater, gz, 3, 64), "a\n");
}

TEST_P(InflaterKinds, BadCrcIsIntegrity) {
    std::string gz = test::gzipMember(test::makeEventLines(100, 3));
    gz[gz.size() - 6] ^= 0x5a;  // inside the CRC32 of the trailer
    auto inflater = makeInflater(GetParam());
    try {
        inflateAll(*inflater, gz, gz.size(), 1 << 20);
        FAIL() << "corrupt trailer accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity);
    }
}

TEST_P(InflaterKinds, CorruptDeflateDataIsIntegrity) {
    std::string gz = test::gzipMembers(test::makeEventLines(2000, 4), 2);
    for (size_t i = 20; i < gz.size() / 2; i += 97)
        gz[i] ^= 0xff;
    auto inflater = makeInflater(GetParam());
    try {
        inflateAll(*inflater, gz, 4096, 1 << 16);
        FAIL() << "corrupt data accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity);
    }
}

TEST_P(InflaterKinds, TruncatedStreamEndsInsideAMember) {
    const std::string gz = test::gzipMembers(test::makeEventLines(500, 5), 3);
    for (size_t cut : {gz.size() - 1, gz.size() - 8, gz.size() / 2, size_t(5)}) {
        auto inflater = makeInflater(GetParam());
        EXPECT_THROW(inflateAll(*inflater, gz.substr(0, cut), 1000, 4096), ApiError) << cut;
    }
}

TEST_P(InflaterKinds, TrailingGarbageIsIntegrity) {
    const std::string gz = test::gzipMember("hello\n") + "not gzip at all";
    auto inflater = makeInflater(GetParam());
    EXPECT_THROW(inflateAll(*inflater, gz, gz.size(), 1024), ApiError);
}

// Found by tests/fuzz/inflater: zlib auto-detected the zlib wrapper (windowBits 15+32) and
// inflated a stream ISA-L rejects; a download is gzip, whichever inflater reads it.
TEST_P(InflaterKinds, ZlibWrappedDataIsNotGzip) {
    const std::string text = "hello\n";
    std::string wrapped(compressBound(uLong(text.size())), '\0');
    uLongf len = uLongf(wrapped.size());
    ASSERT_EQ(compress(reinterpret_cast<Bytef*>(wrapped.data()), &len,
                       reinterpret_cast<const Bytef*>(text.data()), uLong(text.size())),
              Z_OK);
    wrapped.resize(len);
    EXPECT_THROW(inflateAll(*makeInflater(GetParam()), wrapped, wrapped.size(), 1024), ApiError);
    const std::string gzThenZlib = test::gzipMember(text) + wrapped;
    EXPECT_THROW(inflateAll(*makeInflater(GetParam()), gzThenZlib, gzThenZlib.size(), 1024),
                 ApiError);
}

INSTANTIATE_TEST_SUITE_P(Both, InflaterKinds,
                         ::testing::Values(InflaterKind::Zlib, InflaterKind::Isal),
                         [](const auto& info) {
                             return info.param == InflaterKind::Zlib ? "zlib" : "isal";
                         });

TEST(Inflater, IsalIsBuiltAndSelectedByDefault) {
    ASSERT_TRUE(isalAvailable()) << "libisal was not found at configure time";
    EXPECT_STREQ(makeInflater(InflaterKind::Isal)->name(), "isa-l");
    EXPECT_STREQ(makeInflater(InflaterKind::Zlib)->name(), "zlib");
}

TEST(Inflater, EnvironmentForcesZlib) {
    setenv("ATFS_INFLATER", "zlib", 1);
    EXPECT_STREQ(makeInflater()->name(), "zlib");
    unsetenv("ATFS_INFLATER");
    EXPECT_STREQ(makeInflater()->name(), isalAvailable() ? "isa-l" : "zlib");
}

TEST(Inflater, ZlibAndIsalGiveIdenticalOutput) {
    for (uint32_t seed = 10; seed < 14; ++seed) {
        const std::string text = test::makeEventLines(3000 + seed * 100, seed);
        const std::string gz = test::gzipMembers(text, seed % 5 + 1);
        auto zlib = makeInflater(InflaterKind::Zlib);
        auto isal = makeInflater(InflaterKind::Isal);
        const std::string a = inflateAll(*zlib, gz, 65536, 131072);
        const std::string b = inflateAll(*isal, gz, 65536, 131072);
        EXPECT_EQ(a, b);
        EXPECT_EQ(a, text);
    }
}

}  // namespace
}  // namespace at
