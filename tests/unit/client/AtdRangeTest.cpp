// Client::downloadRange against the real atd: exact bytes for ranges anywhere in a session's
// download (its first and last byte, across hour files and days), and a connection cut or
// stalled inside a range by fault_proxy.py resumed to exactly the same bytes.
#include <gtest/gtest.h>

#include "AtdProcess.h"
#include "at/Client.h"

namespace at {
namespace {

using test::Atd;
using test::FaultProxy;

std::string readAll(DownloadStream& stream) {
    std::string out;
    std::vector<char> buf(64 * 1024);
    while (size_t n = stream.read(buf.data(), buf.size()))
        out.append(buf.data(), n);
    return out;
}

class AtdRange : public ::testing::Test {
  protected:
    void SetUp() override {
        client_ = std::make_unique<Client>(atd_.options());
        account_ = Domain{client_->spaces().spaces.at(0).guid, true};
        days_ = client_->status(account_, {}, {}, true);
        ASSERT_GE(days_.size(), 2u);
    }
    void TearDown() override {
        for (const std::string& id : sessions_)
            client_->deleteSession(account_, id);
        EXPECT_TRUE(client_->listSessions(account_).empty());
    }

    Session sessionFor(Client& client, Date start, Date end) {
        SessionRequest request;
        request.start = start;
        request.end = end;
        request.accountLevel = true;
        const Session s = client.createSession(account_, request);
        sessions_.push_back(s.id);
        return s;
    }
    std::string range(Client& client, const Session& s, uint64_t offset, uint64_t length) {
        auto stream = client.downloadRange(account_, s.id, offset, length);
        EXPECT_EQ(stream->gzipTotal(), s.gzipSize);
        std::string bytes = readAll(*stream);
        EXPECT_EQ(stream->position(), length);
        return bytes;
    }
    std::string whole(const Session& s) {
        return readAll(*client_->download(account_, s.id, DownloadMode::Raw));
    }

    Atd atd_;
    std::unique_ptr<Client> client_;
    Domain account_;
    std::vector<DayStatus> days_;
    std::vector<std::string> sessions_;
};

TEST_F(AtdRange, RangesAnywhereInADayAreExact) {
    const DayStatus& day = days_.front();
    const Session s = sessionFor(*client_, day.date, day.date);
    const std::string gz = whole(s);
    ASSERT_EQ(gz.size(), day.gzipSize);
    const uint64_t n = gz.size();
    const std::vector<std::pair<uint64_t, uint64_t>> spans = {
        {0, 1}, {0, n}, {n / 3, 777}, {n - 4096, 4096}, {n - 1, 1}, {1, n - 2}};
    for (const auto& [offset, length] : spans)
        EXPECT_TRUE(range(*client_, s, offset, length) == gz.substr(offset, length))
            << "bytes " << offset << "+" << length;
}

TEST_F(AtdRange, RangesAcrossHourFilesAndDaysAreExact) {
    const DayStatus& first = days_[0];
    ASSERT_GE(first.hours.size(), 3u);
    const Session s = sessionFor(*client_, first.date, days_[1].date);
    const std::string gz = whole(s);
    ASSERT_EQ(gz.size(), first.gzipSize + days_[1].gzipSize);
    // The end of hour file 0 into hour file 1; hour 1 whole; hours 0-2 in one range.
    const uint64_t h0 = first.hours[0].gzipSize, h1 = first.hours[1].gzipSize;
    const uint64_t h2 = first.hours[2].gzipSize;
    EXPECT_TRUE(range(*client_, s, h0 - 40, 80) == gz.substr(h0 - 40, 80));
    EXPECT_TRUE(range(*client_, s, h0, h1) == gz.substr(h0, h1));
    EXPECT_TRUE(range(*client_, s, 0, h0 + h1 + h2) == gz.substr(0, h0 + h1 + h2));
    // Across the day boundary.
    EXPECT_TRUE(range(*client_, s, first.gzipSize - 1, 2) == gz.substr(first.gzipSize - 1, 2));
}

TEST_F(AtdRange, RangesThatDoNotFitAreRefused) {
    const DayStatus& day = days_.front();
    const Session s = sessionFor(*client_, day.date, day.date);
    try {
        client_->downloadRange(account_, s.id, 5, 0);
        FAIL() << "an empty range was asked";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
    }
    try {
        readAll(*client_->downloadRange(account_, s.id, day.gzipSize - 10, 11));
        FAIL() << "a range past the end was served short";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity) << e.what();
        EXPECT_NE(std::string(e.what()).find(s.id), std::string::npos) << e.what();
    }
    try {
        readAll(*client_->downloadRange(account_, s.id, day.gzipSize, 1));
        FAIL() << "a range at the end was served";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
        EXPECT_EQ(e.httpStatus(), 416) << e.what();
    }
}

// The proxy counts the reply's headers too: cut after 20000 bytes lands inside the body.
TEST_F(AtdRange, ACutInsideARangeIsResumedExactly) {
    const DayStatus& day = days_.front();
    ASSERT_GT(day.gzipSize, 60000u);
    FaultProxy proxy(atd_.hostPort(), {"--cut-after", "20000", "--once", "--match-substring",
                                       "/v3/events/download"});
    ClientOptions o = atd_.options();
    o.endpoint = proxy.endpoint();
    Client viaProxy(o);
    const Session s = sessionFor(viaProxy, day.date, day.date);
    const std::string gz = whole(s);
    EXPECT_TRUE(range(viaProxy, s, 5000, 50000) == gz.substr(5000, 50000));
}

TEST_F(AtdRange, AStallInsideARangeIsResumedExactly) {
    const DayStatus& day = days_.front();
    ASSERT_GT(day.gzipSize, 60000u);
    FaultProxy proxy(atd_.hostPort(), {"--stall-after", "15000", "--once", "--match-substring",
                                       "/v3/events/download"});
    ClientOptions o = atd_.options();
    o.endpoint = proxy.endpoint();
    o.stallTimeoutMs = 500;
    Client viaProxy(o);
    const Session s = sessionFor(viaProxy, day.date, day.date);
    const std::string gz = whole(s);
    const uint64_t offset = day.gzipSize - 40000;
    EXPECT_TRUE(range(viaProxy, s, offset, 40000) == gz.substr(offset));
}

}  // namespace
}  // namespace at
