// HourReader over test hours: byte-exact against the plain text for random (from, n) reads,
// with ISA-L and with zlib, and Integrity errors (never other bytes) for bytes that do not
// match the index.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "HourData.h"
#include "at/Error.h"
#include "read/HourIndex.h"

using atfs::read::HourIndex;
using atfs::read::HourReader;
using atfs::read::Inflate;

namespace {

constexpr uint64_t kSpan = HourIndex::kPointSpan;

std::string readAll(HourReader& r, size_t n, std::mt19937& rng) {
    std::string got;
    std::string buf(n, '\0');
    while (got.size() < n) {
        const size_t want = std::min<size_t>(n - got.size(), 1 + rng() % 200000);
        const size_t made = r.read(buf.data(), want);
        if (made == 0)
            break;
        got.append(buf.data(), made);
    }
    return got;
}

// `count` reads at random offsets (some at member starts and the very end), each compared
// with the plain text.
void randomReads(const hourdata::Hour& h, const std::shared_ptr<HourIndex>& index, int count,
                 Inflate inflate, uint32_t seed) {
    std::mt19937 rng(seed);
    const auto members = index->members();
    for (int i = 0; i < count; ++i) {
        uint64_t from = rng() % (h.plain.size() + 1);
        if (i % 10 == 0 && !members.empty())
            from = members[rng() % members.size()].out;
        const size_t n = (i % 7 == 0) ? size_t(rng() % 300000) : size_t(1 + rng() % 5000);
        const size_t expect = std::min<size_t>(n, h.plain.size() - from);
        HourReader r(h.gz, index, from, inflate);
        EXPECT_EQ(r.position(), from);
        const std::string got = readAll(r, expect, rng);
        ASSERT_EQ(got.size(), expect) << "from " << from << " n " << n;
        ASSERT_TRUE(got == std::string_view(h.plain).substr(from, expect))
            << "wrong bytes from " << from << " n " << n;
        EXPECT_EQ(r.position(), from + expect);
    }
}

// Reads from `from` to the end; true when it ended with every trailer checked.
std::string readToEnd(std::string_view gz, std::shared_ptr<HourIndex> index, uint64_t from,
                      Inflate inflate = Inflate::Auto) {
    HourReader r(gz, std::move(index), from, inflate);
    std::string got;
    char buf[65536];
    while (size_t n = r.read(buf, sizeof buf))
        got.append(buf, n);
    EXPECT_EQ(r.read(buf, sizeof buf), 0u);
    return got;
}

bool isIntegrity(const std::function<void()>& f) {
    try {
        f();
    } catch (const at::ApiError& e) {
        return e.kind() == at::ErrorKind::Integrity;
    }
    return false;
}

std::vector<std::string> pieces(size_t count, size_t each, uint32_t seed) {
    std::vector<std::string> v;
    for (size_t i = 0; i < count; ++i)
        v.push_back(hourdata::events(each + i * 37, seed + uint32_t(i)));
    return v;
}

class BothInflaters : public ::testing::TestWithParam<Inflate> {};

}  // namespace

INSTANTIATE_TEST_SUITE_P(HourReader, BothInflaters, ::testing::Values(Inflate::Auto, Inflate::Zlib),
                         [](const auto& info) {
                             return info.param == Inflate::Auto ? "Auto" : "Zlib";
                         });

TEST_P(BothInflaters, OneMemberRandomReads) {
    const auto h = hourdata::hour({hourdata::events(3 << 20, 1)}, 6);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    EXPECT_TRUE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 1u);
    randomReads(h, index, 1000, GetParam(), 11);
    EXPECT_EQ(readToEnd(h.gz, index, 0, GetParam()), h.plain);
}

TEST_P(BothInflaters, ManyMembersRandomReads) {
    const auto h = hourdata::hour(pieces(40, 50000, 100), 1);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_TRUE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 40u);
    randomReads(h, index, 3000, GetParam(), 12);
    EXPECT_EQ(readToEnd(h.gz, index, 0, GetParam()), h.plain);
}

TEST_P(BothInflaters, LevelsAndAStoredMember) {
    hourdata::Hour h;
    const int levels[] = {1, 9, 0, 6, 9, 1};
    for (int i = 0; i < 6; ++i) {
        const std::string p =
            i == 2 ? hourdata::randomBytes(700000, 7) : hourdata::events(400000, 20 + i);
        h.plain += p;
        h.gz += hourdata::member(p, levels[i]);
    }
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_TRUE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 6u);
    randomReads(h, index, 2000, GetParam(), 13);
}

TEST_P(BothInflaters, HeaderFields) {
    hourdata::Hour h;
    const hourdata::HeaderFields kinds[] = {{true, false, false, false},
                                            {false, true, false, false},
                                            {false, false, true, false},
                                            {false, false, false, true},
                                            {true, true, true, true}};
    for (int i = 0; i < 5; ++i) {
        const std::string p = hourdata::events(100000, 30 + i);
        h.plain += p;
        h.gz += hourdata::member(p, 6, kinds[i]);
    }
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_TRUE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 5u);
    randomReads(h, index, 500, GetParam(), 14);
}

// Stored blocks holding whole gzip members: header candidates the scan must not trust blindly.
TEST_P(BothInflaters, FalseCandidatesInStoredData) {
    std::string inner;
    for (int i = 0; i < 50; ++i)
        inner +=
            hourdata::member(hourdata::events(2000, 40 + i), 6) + hourdata::randomBytes(300, i);
    hourdata::Hour h;
    h.plain = hourdata::events(200000, 50) + inner + hourdata::events(200000, 51);
    h.gz = hourdata::member(h.plain.substr(0, 200000), 6) +
           hourdata::member(h.plain.substr(200000, inner.size()), 0) +
           hourdata::member(h.plain.substr(200000 + inner.size()), 6);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    EXPECT_TRUE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 3u);
    randomReads(h, index, 1000, GetParam(), 15);
}

// A false candidate whose split adds up exactly (the 4 bytes before it read as ISIZE 0): the
// scan may take it; the reader then finds the member does not end there. Never other bytes.
TEST_P(BothInflaters, FalseSplitThatAddsUpIsAnIntegrityError) {
    const std::string embedded = hourdata::member(hourdata::events(5000, 60), 6);
    const std::string plain =
        hourdata::events(10000, 61) + std::string(8, '\0') + embedded + hourdata::events(10000, 62);
    const std::string gz = hourdata::member(plain, 0);
    const auto index = HourIndex::scan(gz, plain.size());
    std::mt19937 rng(16);
    for (int i = 0; i < 200; ++i) {
        const uint64_t from = rng() % plain.size();
        std::string got;
        const bool failed = isIntegrity([&] { got = readToEnd(gz, index, from); });
        if (!failed) {
            EXPECT_TRUE(got == std::string_view(plain).substr(from)) << "from " << from;
        }
    }
    EXPECT_EQ(readToEnd(gz, HourIndex::onePiece(gz, plain.size()), 0), plain);
}

TEST_P(BothInflaters, LargeMemberRecordsInnerPoints) {
    const auto h =
        hourdata::hour({hourdata::events(9 * kSpan + 12345, 70), hourdata::events(300000, 71)}, 6);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_EQ(index->pointCount(), 2u);
    // One far read records points up to it; a read after starts from one of them.
    const uint64_t far = 8 * kSpan + 5000;
    {
        HourReader r(h.gz, index, far, GetParam());
        std::string buf(4096, '\0');
        ASSERT_EQ(r.read(buf.data(), buf.size()), buf.size());
        EXPECT_TRUE(buf == std::string_view(h.plain).substr(far, 4096));
    }
    EXPECT_GE(index->pointCount(), 2u + 7u);
    const auto p = index->nearest(far);
    EXPECT_FALSE(p.memberStart);
    EXPECT_LE(far - p.out, kSpan + 256 * 1024);  // the first block boundary past each span
    EXPECT_EQ(p.window.size(), 32768u);
    EXPECT_TRUE(p.window == std::string_view(h.plain).substr(p.out - 32768, 32768));
    randomReads(h, index, 1500, GetParam(), 17);
    // Reads from every recorded point, to the end: their CRC bookkeeping checks the trailer.
    std::mt19937 rng(18);
    for (uint64_t at = 0; at < h.plain.size(); at += kSpan / 3) {
        const auto q = index->nearest(at);
        EXPECT_EQ(readToEnd(h.gz, index, q.out, GetParam()),
                  std::string_view(h.plain).substr(q.out));
    }
}

TEST_P(BothInflaters, OnePieceReadsAcrossMembers) {
    const auto h = hourdata::hour(pieces(12, 300000, 80), 1);
    const auto index = HourIndex::onePiece(h.gz, h.plain.size());
    EXPECT_FALSE(index->membersVerified());
    EXPECT_EQ(index->members().size(), 1u);
    randomReads(h, index, 300, GetParam(), 19);
    EXPECT_EQ(readToEnd(h.gz, index, 0, GetParam()), h.plain);
}

TEST_P(BothInflaters, CorruptByteIsAnIntegrityError) {
    const auto h = hourdata::hour(pieces(6, 400000, 90), 6);
    const auto members = HourIndex::scan(h.gz, h.plain.size())->members();
    // MTIME, XFL and OS of a header mean nothing to the data: a flip there changes no byte.
    auto ignored = [&](uint64_t at) {
        for (const auto& m : members)
            if (at >= m.in + 4 && at < m.in + 10)
                return true;
        return false;
    };
    std::mt19937 rng(20);
    for (int i = 0; i < 60; ++i) {
        std::string gz = h.gz;
        uint64_t at;
        do
            at = rng() % gz.size();
        while (ignored(at));
        gz[at] ^= char(1 + rng() % 255);
        const auto index = HourIndex::scan(gz, h.plain.size());
        EXPECT_TRUE(isIntegrity([&] { readToEnd(gz, index, 0, GetParam()); })) << "case " << i;
    }
}

TEST_P(BothInflaters, TruncatedHourIsAnIntegrityError) {
    const auto h = hourdata::hour(pieces(5, 200000, 95), 6);
    const auto good = HourIndex::scan(h.gz, h.plain.size());
    for (size_t cut : {size_t(1), size_t(4), size_t(8), size_t(9), size_t(5000), h.gz.size() / 2}) {
        const std::string_view gz = std::string_view(h.gz).substr(0, h.gz.size() - cut);
        const auto index = HourIndex::scan(gz, h.plain.size());
        EXPECT_TRUE(isIntegrity([&] { readToEnd(gz, index, 0, GetParam()); })) << "cut " << cut;
        // The bytes of another length than the index was built for.
        EXPECT_TRUE(isIntegrity([&] { HourReader r(gz, good, 0, GetParam()); })) << "cut " << cut;
    }
}

TEST_P(BothInflaters, WrongSizeIsAnIntegrityError) {
    const auto h = hourdata::hour(pieces(5, 200000, 97), 6);
    for (int64_t delta : {-1, 1, -100000, 4096}) {
        const uint64_t size = h.plain.size() + delta;
        const auto index = HourIndex::scan(h.gz, size);
        EXPECT_FALSE(index->membersVerified());
        EXPECT_TRUE(isIntegrity([&] { readToEnd(h.gz, index, 0, GetParam()); })) << delta;
        EXPECT_TRUE(isIntegrity([&] { readToEnd(h.gz, index, size / 2, GetParam()); })) << delta;
    }
}

TEST(HourReader, EmptyHour) {
    const auto index = HourIndex::scan("", 0);
    EXPECT_TRUE(index->membersVerified());
    HourReader r("", index, 0);
    char c;
    EXPECT_EQ(r.read(&c, 1), 0u);
    EXPECT_TRUE(isIntegrity([] { HourReader("", HourIndex::scan("", 5), 0); }));
}

TEST(HourReader, ConcurrentReadersShareOneIndex) {
    const auto h =
        hourdata::hour({hourdata::events(6 * kSpan, 110), hourdata::events(5 * kSpan, 111)}, 6);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(200 + t);
            for (int i = 0; i < 150; ++i) {
                const uint64_t from = rng() % h.plain.size();
                const size_t n = std::min<size_t>(4096, h.plain.size() - from);
                HourReader r(h.gz, index, from, t % 2 ? Inflate::Zlib : Inflate::Auto);
                std::string buf(n, '\0');
                size_t got = 0;
                while (got < n) {
                    const size_t made = r.read(buf.data() + got, n - got);
                    if (made == 0)
                        break;
                    got += made;
                }
                if (got != n || buf != std::string_view(h.plain).substr(from, n))
                    ++wrong;
                if (i % 10 == 0)
                    (void)index->serialize();
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_GT(index->pointCount(), 2u);
}

// The pool reads one member exactly: its last byte comes only with its trailer checked.
TEST_P(BothInflaters, ReadingOneMemberChecksItsTrailer) {
    auto h = hourdata::hour(pieces(3, 300000, 120), 6);
    const auto members = HourIndex::scan(h.gz, h.plain.size())->members();
    ASSERT_EQ(members.size(), 3u);
    const uint64_t length = members[2].out - members[1].out;
    {
        HourReader r(h.gz, HourIndex::scan(h.gz, h.plain.size()), members[1].out, GetParam());
        std::string buf(length, '\0');
        std::mt19937 rng(1);
        EXPECT_TRUE(readAll(r, length, rng) ==
                    std::string_view(h.plain).substr(members[1].out, length));
    }
    h.gz[members[2].in - 8] ^= 1;  // member 1's CRC32; ISIZE still adds up
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_TRUE(index->membersVerified());
    EXPECT_TRUE(isIntegrity([&] {
        HourReader r(h.gz, index, members[1].out, GetParam());
        std::string buf(length, '\0');
        size_t got = 0;
        while (got < length)
            got += r.read(buf.data() + got, length - got);
    }));
}
