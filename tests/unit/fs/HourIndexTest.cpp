// HourIndex: the member scan, the points' bookkeeping, and the disk form's round trip and
// refusals (a blob is outside bytes: garbage, a cut or an altered byte gives nullptr).
#include <gtest/gtest.h>

#include <random>

#include "HourData.h"
#include "read/HourIndex.h"

using atfs::read::AccessPoint;
using atfs::read::HourIndex;
using atfs::read::HourReader;

namespace {

constexpr uint64_t kSpan = HourIndex::kPointSpan;

// An index with inner points: one far read into each big member records them.
std::shared_ptr<HourIndex> indexWithPoints(const hourdata::Hour& h) {
    auto index = HourIndex::scan(h.gz, h.plain.size());
    std::string buf(100, '\0');
    for (const auto& m : index->members()) {
        HourReader r(h.gz, index, std::min<uint64_t>(m.out + 4 * kSpan, h.plain.size()));
        r.read(buf.data(), buf.size());
    }
    return index;
}

hourdata::Hour bigHour() {
    return hourdata::hour({hourdata::events(5 * kSpan, 1), hourdata::events(200000, 2),
                           hourdata::events(4 * kSpan + 999, 3)},
                          6);
}

void expectSamePoints(const HourIndex& a, const HourIndex& b) {
    ASSERT_EQ(a.pointCount(), b.pointCount());
    for (uint64_t at = 0; at < a.size(); at += kSpan / 4) {
        const AccessPoint p = a.nearest(at), q = b.nearest(at);
        EXPECT_EQ(p.out, q.out);
        EXPECT_EQ(p.in, q.in);
        EXPECT_EQ(p.bits, q.bits);
        EXPECT_EQ(p.memberStart, q.memberStart);
        EXPECT_EQ(p.memberOut, q.memberOut);
        EXPECT_EQ(p.crc, q.crc);
        EXPECT_TRUE(p.window == q.window);
    }
}

}  // namespace

TEST(HourIndex, ScanFindsEveryMember) {
    std::vector<std::string> pieces;
    for (int i = 0; i < 86; ++i)
        pieces.push_back(hourdata::events(1000 + i * 100, 10 + i));
    const auto h = hourdata::hour(pieces, 1);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    ASSERT_TRUE(index->membersVerified());
    const auto members = index->members();
    ASSERT_EQ(members.size(), 86u);
    uint64_t in = 0, out = 0;
    for (size_t i = 0; i < members.size(); ++i) {
        EXPECT_EQ(members[i].in, in);
        EXPECT_EQ(members[i].out, out);
        EXPECT_TRUE(members[i].memberStart);
        in += hourdata::member(pieces[i], 1).size();
        out += pieces[i].size();
    }
    EXPECT_EQ(index->nearest(out - 1).out, members.back().out);
    EXPECT_EQ(index->nearest(members[5].out).out, members[5].out);
    EXPECT_EQ(index->nearest(members[5].out - 1).out, members[4].out);
}

TEST(HourIndex, SizesThatDoNotAddUpGiveOnePiece) {
    const auto h = hourdata::hour({hourdata::events(5000, 1), hourdata::events(6000, 2)}, 6);
    for (uint64_t size : {uint64_t(0), uint64_t(10999), uint64_t(11001), uint64_t(1) << 33}) {
        const auto index = HourIndex::scan(h.gz, size);
        EXPECT_FALSE(index->membersVerified());
        ASSERT_EQ(index->members().size(), 1u);
        EXPECT_EQ(index->members()[0].in, 0u);
    }
    const auto notGzip = HourIndex::scan("not gzip at all, just text", 26);
    EXPECT_FALSE(notGzip->membersVerified());
}

TEST(HourIndex, AddKeepsPointsApart) {
    const auto h = hourdata::hour({hourdata::events(4 * kSpan, 1)}, 6);
    const auto index = HourIndex::scan(h.gz, h.plain.size());
    AccessPoint p;
    p.out = kSpan;
    p.in = 1000;
    p.window = "w";
    index->add(p);
    EXPECT_EQ(index->pointCount(), 2u);
    p.out = kSpan + kSpan / 2 - 1;  // too near the last one
    index->add(p);
    p.out = kSpan / 2 - 1;  // too near the member start
    index->add(p);
    EXPECT_EQ(index->pointCount(), 2u);
    p.out = 2 * kSpan;
    index->add(p);
    EXPECT_EQ(index->pointCount(), 3u);
    EXPECT_EQ(index->nearest(2 * kSpan - 1).out, kSpan);
}

TEST(HourIndex, SerializeParseRoundTrip) {
    const auto h = bigHour();
    const auto index = indexWithPoints(h);
    ASSERT_GT(index->pointCount(), 6u);
    const std::string blob = index->serialize();
    // The windows deflate: the blob is far smaller than 32 KiB per point.
    EXPECT_LT(blob.size(), index->pointCount() * 16384);
    const auto back = HourIndex::parse(blob, h.gz, h.plain.size());
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->membersVerified(), index->membersVerified());
    EXPECT_EQ(back->members().size(), index->members().size());
    expectSamePoints(*index, *back);
    EXPECT_EQ(back->serialize(), blob);
    // Reads from the parsed points give the same bytes.
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
        const uint64_t from = rng() % h.plain.size();
        const size_t n = std::min<size_t>(4096, h.plain.size() - from);
        HourReader r(h.gz, back, from);
        std::string buf(n, '\0');
        size_t got = 0;
        while (got < n) {
            const size_t made = r.read(buf.data() + got, n - got);
            ASSERT_GT(made, 0u);
            got += made;
        }
        ASSERT_TRUE(buf == std::string_view(h.plain).substr(from, n)) << from;
    }
    const auto piece = HourIndex::onePiece(h.gz, h.plain.size());
    const auto pieceBack = HourIndex::parse(piece->serialize(), h.gz, h.plain.size());
    ASSERT_NE(pieceBack, nullptr);
    EXPECT_FALSE(pieceBack->membersVerified());
    const auto empty = HourIndex::parse(HourIndex::scan("", 0)->serialize(), "", 0);
    ASSERT_NE(empty, nullptr);
}

TEST(HourIndex, ParseRefusesWhatDoesNotFit) {
    const auto h = bigHour();
    const std::string blob = indexWithPoints(h)->serialize();
    const uint64_t size = h.plain.size();
    EXPECT_EQ(HourIndex::parse("", h.gz, size), nullptr);
    EXPECT_EQ(HourIndex::parse(hourdata::randomBytes(5000, 9), h.gz, size), nullptr);
    EXPECT_EQ(HourIndex::parse(blob, h.gz, size + 1), nullptr);
    EXPECT_EQ(HourIndex::parse(blob, std::string_view(h.gz).substr(1), size), nullptr);
    const auto other = hourdata::hour({hourdata::events(size, 99)}, 6);
    EXPECT_EQ(HourIndex::parse(blob, other.gz, size), nullptr);
    for (size_t cut = 0; cut < blob.size(); cut += 1 + cut / 8)
        EXPECT_EQ(HourIndex::parse(blob.substr(0, cut), h.gz, size), nullptr) << "cut " << cut;
    std::mt19937 rng(4);
    for (size_t at = 0; at < blob.size(); at += 1 + rng() % 97) {
        std::string bad = blob;
        bad[at] ^= char(1 + rng() % 255);
        EXPECT_EQ(HourIndex::parse(bad, h.gz, size), nullptr) << "byte " << at;
    }
}
