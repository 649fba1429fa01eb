// OffsetMap over the plans SessionPlan makes: every non-empty hour in download order, its
// offsets in its session's download and in the file, locate() at every boundary, and nullopt
// wherever a size is not known.
#include "read/OffsetMap.h"

#include <gtest/gtest.h>

#include "MemoryBackend.h"

using namespace atfs;
using namespace atfs::read;

namespace {

at::Date D(const char* s) {
    return *at::Date::parse(s);
}

// A day whose totals are the sum of its hours.
at::DayStatus dayOf(at::Date date, std::vector<at::HourStatus> hours) {
    at::DayStatus d{date, 0, 0, 0, {}, 0};
    for (const auto& h : hours) {
        d.count += h.count;
        d.size += h.size;
        d.gzipSize += h.gzipSize;
    }
    d.hours = std::move(hours);
    return d;
}

// Hours 3, 7 and 23, listed out of order as a service may.
at::DayStatus sampleDay(at::Date date) {
    return dayOf(date, {{7, 1, 50, 30}, {3, 2, 100, 40}, {23, 5, 500, 120}});
}

DayIndex indexOf(std::vector<at::DayStatus> days) {
    DayIndex idx;
    for (auto& d : days)
        idx[d.date.days()] = d;
    return idx;
}

HourSpan daysSpan(at::Date first, at::Date last) {
    return {HourSpan::ofDay(first).first, HourSpan::ofDay(last).last};
}

std::optional<OffsetMap> mapOf(const DayIndex& idx, HourSpan span, Format f = Format::Json) {
    return OffsetMap::build(planSegments(idx, span), idx, f);
}

// locate() at the first and last byte of every piece, and past the end.
void expectLocatesEveryBoundary(const OffsetMap& map) {
    const auto& pieces = map.pieces();
    for (size_t i = 0; i < pieces.size(); ++i) {
        const uint64_t length = pieces[i].length(map.format());
        ASSERT_GT(length, 0u);
        EXPECT_EQ(map.locate(pieces[i].fileOffset), i) << "start of piece " << i;
        EXPECT_EQ(map.locate(pieces[i].fileOffset + length - 1), i) << "end of piece " << i;
        if (i + 1 < pieces.size()) {
            EXPECT_EQ(pieces[i].fileOffset + length, pieces[i + 1].fileOffset);
        }
    }
    EXPECT_EQ(map.locate(map.size()), pieces.size());
    EXPECT_EQ(map.locate(map.size() + 1), pieces.size());
    EXPECT_EQ(map.locate(UINT64_MAX), pieces.size());
}

}  // namespace

TEST(OffsetMap, OneDayListsItsHoursInOrder) {
    const at::Date d = D("2017-06-01");
    const DayIndex idx = indexOf({sampleDay(d)});
    const auto map = mapOf(idx, HourSpan::ofDay(d));
    ASSERT_TRUE(map);
    ASSERT_EQ(map->pieces().size(), 3u);
    const auto& p = map->pieces();
    EXPECT_EQ(p[0].hour, 3);
    EXPECT_EQ(p[1].hour, 7);
    EXPECT_EQ(p[2].hour, 23);
    EXPECT_EQ(p[0].day, d);
    EXPECT_EQ(p[2].count, 5u);
    EXPECT_EQ(p[0].rawOffset, 0u);
    EXPECT_EQ(p[1].rawOffset, 40u);
    EXPECT_EQ(p[2].rawOffset, 70u);
    EXPECT_EQ(p[0].fileOffset, 0u);
    EXPECT_EQ(p[1].fileOffset, 100u);
    EXPECT_EQ(p[2].fileOffset, 150u);
    for (const auto& piece : p)
        EXPECT_EQ(piece.segment, 0u);
    EXPECT_EQ(map->size(), 650u);
    EXPECT_EQ(map->segmentGzipSize(0), 190u);
    EXPECT_EQ(map->locate(0), 0u);
    EXPECT_EQ(map->locate(99), 0u);
    EXPECT_EQ(map->locate(100), 1u);
    EXPECT_EQ(map->locate(149), 1u);
    EXPECT_EQ(map->locate(150), 2u);
    EXPECT_EQ(map->locate(649), 2u);
    EXPECT_EQ(map->locate(650), 3u);
    expectLocatesEveryBoundary(*map);
}

TEST(OffsetMap, GzFormatUsesRawOffsets) {
    const at::Date d = D("2017-06-01");
    const DayIndex idx = indexOf({sampleDay(d)});
    const auto map = mapOf(idx, HourSpan::ofDay(d), Format::JsonGz);
    ASSERT_TRUE(map);
    EXPECT_EQ(map->format(), Format::JsonGz);
    EXPECT_EQ(map->size(), 190u);
    for (const auto& piece : map->pieces())
        EXPECT_EQ(piece.fileOffset, piece.rawOffset);  // one segment: the file is the download
    EXPECT_EQ(map->locate(39), 0u);
    EXPECT_EQ(map->locate(40), 1u);
    EXPECT_EQ(map->locate(189), 2u);
    EXPECT_EQ(map->locate(190), 3u);
    expectLocatesEveryBoundary(*map);
}

TEST(OffsetMap, AnHourFileIsOnePieceOfItsOwnSession) {
    const at::Date d = D("2017-06-01");
    const DayIndex idx = indexOf({sampleDay(d)});
    const auto map = mapOf(idx, HourSpan::ofHour({d, 7}));
    ASSERT_TRUE(map);
    ASSERT_EQ(map->pieces().size(), 1u);
    const HourPiece& p = map->pieces()[0];
    EXPECT_EQ(p.hour, 7);
    EXPECT_EQ(p.segment, 0u);
    EXPECT_EQ(p.rawOffset, 0u);
    EXPECT_EQ(p.fileOffset, 0u);
    EXPECT_EQ(map->size(), 50u);
    EXPECT_EQ(map->segmentGzipSize(0), 30u);
    expectLocatesEveryBoundary(*map);
}

TEST(OffsetMap, AnEmptyHourFileHasNoPieces) {
    const at::Date d = D("2017-06-01");
    const DayIndex idx = indexOf({sampleDay(d)});
    const auto map = mapOf(idx, HourSpan::ofHour({d, 5}));
    ASSERT_TRUE(map);
    EXPECT_TRUE(map->pieces().empty());
    EXPECT_EQ(map->size(), 0u);
    EXPECT_EQ(map->locate(0), 0u);
}

// 40 days in runs of at::kMaxSessionDays (15, 15, 10), with days without events between.
TEST(OffsetMap, AFortyDayRangeRestartsRawOffsetsAtEachSegment) {
    const at::Date d0 = D("2017-06-01");
    std::vector<at::DayStatus> days;
    for (int i = 0; i < 40; ++i) {
        if (i % 7 == 3)
            continue;  // no events that day
        days.push_back(dayOf(d0.plusDays(i),
                             {{1, 1, 100u + uint64_t(i), 10u + uint64_t(i)}, {13, 2, 200, 20}}));
    }
    const DayIndex idx = indexOf(days);
    const auto plan = planSegments(idx, daysSpan(d0, d0.plusDays(39)));
    ASSERT_EQ(plan.size(), 3u);
    for (const Format f : {Format::Json, Format::JsonGz}) {
        const auto map = OffsetMap::build(plan, idx, f);
        ASSERT_TRUE(map);
        ASSERT_EQ(map->pieces().size(), days.size() * 2);
        EXPECT_EQ(map->size(), plannedSize(plan, f));
        uint64_t fileOffset = 0;
        uint64_t raw = 0;
        size_t segment = 0;
        for (const HourPiece& p : map->pieces()) {
            if (p.segment != segment) {
                EXPECT_EQ(p.segment, segment + 1);
                EXPECT_EQ(raw, map->segmentGzipSize(segment));
                EXPECT_EQ(raw, plan[segment].gzipSize);
                segment = p.segment;
                raw = 0;
            }
            EXPECT_GE(p.day, plan[p.segment].start);
            EXPECT_LE(p.day, plan[p.segment].end);
            EXPECT_EQ(p.rawOffset, raw);
            EXPECT_EQ(p.fileOffset, fileOffset);
            raw += p.gzipSize;
            fileOffset += p.length(f);
        }
        EXPECT_EQ(segment, 2u);
        EXPECT_EQ(raw, map->segmentGzipSize(2));
        EXPECT_EQ(map->segmentGzipSize(3), 0u);  // no such segment
        expectLocatesEveryBoundary(*map);
    }
}

// From 20:00 on day 0 to 04:59 on day 2: hour sessions, one whole day, hour sessions.
TEST(OffsetMap, APartialDayRangeHasOneSegmentPerHour) {
    const at::Date d0 = D("2017-06-01");
    const DayIndex idx = indexOf(
        {dayOf(d0, {{19, 1, 10, 5}, {20, 1, 11, 6}, {22, 2, 12, 7}}), sampleDay(d0.plusDays(1)),
         dayOf(d0.plusDays(2), {{0, 1, 13, 8}, {4, 1, 14, 9}, {5, 1, 15, 10}})});
    const HourSpan span{at::HourStamp{d0, 20}.index(), at::HourStamp{d0.plusDays(2), 4}.index()};
    const auto plan = planSegments(idx, span);
    ASSERT_EQ(plan.size(), 5u);  // 20, 22 | day 1 | 0, 4
    const auto map = OffsetMap::build(plan, idx, Format::Json);
    ASSERT_TRUE(map);
    const auto& p = map->pieces();
    ASSERT_EQ(p.size(), 7u);
    const std::vector<std::pair<size_t, int>> expected = {{0, 20}, {1, 22}, {2, 3}, {2, 7},
                                                          {2, 23}, {3, 0},  {4, 4}};
    for (size_t i = 0; i < p.size(); ++i) {
        EXPECT_EQ(p[i].segment, expected[i].first) << i;
        EXPECT_EQ(p[i].hour, expected[i].second) << i;
    }
    EXPECT_EQ(p[0].rawOffset, 0u);
    EXPECT_EQ(p[1].rawOffset, 0u);
    EXPECT_EQ(p[3].rawOffset, 40u);  // hour 7 of the whole day, after hour 3
    EXPECT_EQ(p[5].rawOffset, 0u);
    EXPECT_EQ(p[6].fileOffset, 11u + 12 + 650 + 13);
    EXPECT_EQ(map->size(), 11u + 12 + 650 + 13 + 14);
    EXPECT_EQ(map->segmentGzipSize(1), 7u);
    EXPECT_EQ(map->segmentGzipSize(2), 190u);
    expectLocatesEveryBoundary(*map);
}

TEST(OffsetMap, UnknownSizesGiveNoMap) {
    const at::Date d = D("2017-06-01");
    const HourSpan day = HourSpan::ofDay(d);
    // A day with events but no per-hour status.
    at::DayStatus noHours{d, 8, 650, 190, {}, 0};
    EXPECT_FALSE(mapOf(indexOf({noHours}), day));
    // ... read through an hour file or a partial day: still unknown.
    EXPECT_FALSE(mapOf(indexOf({noHours}), HourSpan::ofHour({d, 3})));
    // An hour with events and no inflated size, or no gzip size.
    EXPECT_FALSE(mapOf(indexOf({dayOf(d, {{3, 2, 0, 40}, {7, 1, 50, 30}})}), day));
    EXPECT_FALSE(mapOf(indexOf({dayOf(d, {{3, 2, 100, 0}, {7, 1, 50, 30}})}), day));
    EXPECT_FALSE(mapOf(indexOf({dayOf(d, {{3, 2, 100, 0}})}), HourSpan::ofHour({d, 3})));
    // Hours that do not add up to the day's totals.
    at::DayStatus shortHours = sampleDay(d);
    shortHours.size += 1;
    EXPECT_FALSE(mapOf(indexOf({shortHours}), day));
    at::DayStatus shortGzip = sampleDay(d);
    shortGzip.gzipSize -= 1;
    EXPECT_FALSE(mapOf(indexOf({shortGzip}), day, Format::JsonGz));
    // The same day with honest sizes maps.
    EXPECT_TRUE(mapOf(indexOf({sampleDay(d)}), day));
}

// A plan whose segment sizes disagree with the index (a status fetched at another moment).
TEST(OffsetMap, APlanThatDisagreesWithTheIndexGivesNoMap) {
    const at::Date d = D("2017-06-01");
    const DayIndex idx = indexOf({sampleDay(d)});
    auto plan = planSegments(idx, HourSpan::ofDay(d));
    ASSERT_EQ(plan.size(), 1u);
    plan[0].gzipSize += 5;
    EXPECT_FALSE(OffsetMap::build(plan, idx, Format::Json));
}

// The map against a service's bytes: every piece's range of its segment's session is exactly
// that hour's gzip, over 20 days (two segments) of hours stored in one or several batches.
TEST(OffsetMap, EachPieceIsItsHoursBytesInItsSessionsDownload) {
    MemoryBackend backend;
    const at::Date d0 = D("2017-06-01");
    for (int day = 0; day < 20; ++day) {
        for (int hour : {0, 5, 23}) {
            const at::HourStamp stamp{d0.plusDays(day), hour};
            const int batches = 1 + (day + hour) % 3;  // 1 to 3 gzip members in the hour
            for (int b = 0; b < batches; ++b)
                backend.addGeneratedEvents("account", stamp, 20, 120, uint32_t(day * 100 + b));
        }
    }
    const at::Domain domain{"g1", true};
    DayIndex idx;
    for (const at::DayStatus& d : backend.status(domain, {}, {}))
        idx[d.date.days()] = d;
    const auto plan = planSegments(idx, daysSpan(d0, d0.plusDays(19)));
    ASSERT_EQ(plan.size(), 2u);
    const auto map = OffsetMap::build(plan, idx, Format::JsonGz);
    ASSERT_TRUE(map);
    ASSERT_EQ(map->pieces().size(), 60u);
    std::vector<at::Session> sessions;
    for (const Segment& seg : plan) {
        at::SessionRequest req;
        req.start = seg.start;
        req.end = seg.end;
        req.accountLevel = true;
        sessions.push_back(backend.createSession(domain, req));
        EXPECT_EQ(sessions.back().gzipSize, map->segmentGzipSize(sessions.size() - 1));
    }
    std::string file;
    for (const HourPiece& p : map->pieces()) {
        auto stream =
            backend.downloadRange(domain, sessions[p.segment].id, p.rawOffset, p.gzipSize);
        std::string bytes(p.gzipSize + 1, '\0');
        bytes.resize(stream->read(bytes.data(), bytes.size()));
        const int64_t hour = at::HourStamp{p.day, p.hour}.index();
        EXPECT_TRUE(bytes == backend.rawGzip("account", hour, hour))
            << p.day.str() << " " << p.hour;
        file += bytes;
    }
    EXPECT_EQ(file.size(), map->size());
    EXPECT_TRUE(file == backend.rawGzip("account", HourSpan::ofDay(d0).first,
                                        HourSpan::ofDay(d0.plusDays(19)).last));
    EXPECT_EQ(backend.counters().rangeDownloads, 60);
    for (const at::Session& s : sessions)
        backend.deleteSession(domain, s.id);
    EXPECT_TRUE(backend.liveSessions().empty());
}

// MemoryBackend's misreported hour: the map builds from the status, and the session's own
// gzipSize (what the engine checks against segmentGzipSize) gives the disagreement away.
TEST(OffsetMap, AMisreportedHourShowsInTheSessionsGzipSize) {
    MemoryBackend backend;
    const at::Date d = D("2017-06-01");
    for (int hour : {2, 9})
        backend.addGeneratedEvents("account", {d, hour}, 30, 100, uint32_t(hour));
    backend.misreportHour("account", {d, 2}, 0, 3);
    const at::Domain domain{"g1", true};
    DayIndex idx;
    for (const at::DayStatus& day : backend.status(domain, {}, {}))
        idx[day.date.days()] = day;
    const auto plan = planSegments(idx, HourSpan::ofDay(d));
    const auto map = OffsetMap::build(plan, idx, Format::Json);
    ASSERT_TRUE(map);
    at::SessionRequest req;
    req.start = req.end = d;
    req.accountLevel = true;
    const at::Session s = backend.createSession(domain, req);
    EXPECT_EQ(map->segmentGzipSize(0), s.gzipSize + 3);
    EXPECT_EQ(map->pieces().at(1).rawOffset,
              backend.rawGzip("account", 0, at::HourStamp{d, 2}.index()).size() + 3);
    backend.deleteSession(domain, s.id);
}
