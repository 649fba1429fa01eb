// Every call against the real atd, plus a cut and a stalled connection through
// fault_proxy.py, and concurrent downloads from one Client.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "AtdProcess.h"
#include "Inflater.h"
#include "at/Client.h"

namespace at {
namespace {

using namespace std::chrono_literals;
using test::Atd;
using test::FaultProxy;
using test::kAuditorKey;
using test::kDemoKey;

std::string readAll(DownloadStream& stream, size_t bufferSize = 256 * 1024) {
    std::string out;
    std::vector<char> buf(bufferSize);
    while (size_t n = stream.read(buf.data(), buf.size()))
        out.append(buf.data(), n);
    return out;
}

std::string inflateWithZlib(const std::string& gz) {
    auto inflater = makeInflater(InflaterKind::Zlib);
    std::string out;
    std::vector<char> buf(1 << 20);
    size_t offset = 0;
    for (;;) {
        const auto step =
            inflater->inflate(gz.data() + offset, gz.size() - offset, buf.data(), buf.size());
        offset += step.consumed;
        out.append(buf.data(), step.produced);
        if (step.consumed == 0 && step.produced == 0)
            break;
    }
    EXPECT_EQ(offset, gz.size());
    EXPECT_TRUE(inflater->atMemberBoundary());
    return out;
}

size_t lineCount(const std::string& text) {
    return size_t(std::count(text.begin(), text.end(), '\n'));
}

class AtdClient : public ::testing::Test {
  protected:
    void SetUp() override {
        client_ = std::make_unique<Client>(atd_.options());
        const SpaceList spaces = client_->spaces();
        ASSERT_FALSE(spaces.spaces.empty());
        account_ = Domain{spaces.spaces[0].guid, true};
        days_ = client_->status(account_, {}, {}, true);
        ASSERT_FALSE(days_.empty());
    }

    Session sessionFor(Client& client, const DayStatus& day, std::optional<int> hour = {}) {
        SessionRequest request;
        request.start = day.date;
        request.end = day.date;
        request.hour = hour;
        request.accountLevel = true;
        request.tag = "atclient-test";
        return client.createSession(account_, request);
    }

    std::string downloadDay(Client& client, const DayStatus& day, DownloadMode mode) {
        const Session s = sessionFor(client, day);
        auto stream = client.download(account_, s.id, mode);
        std::string bytes = readAll(*stream);
        stream.reset();
        client.deleteSession(account_, s.id);
        return bytes;
    }

    Atd atd_;
    std::unique_ptr<Client> client_;
    Domain account_;
    std::vector<DayStatus> days_;
};

TEST_F(AtdClient, SpacesAndStatus) {
    const SpaceList spaces = client_->spaces();
    EXPECT_EQ(spaces.user, "demo@example.com");
    EXPECT_TRUE(spaces.accountAccess);
    EXPECT_EQ(spaces.spaces.size(), 2u);
    for (const DayStatus& day : days_) {
        EXPECT_GT(day.count, 0u);
        uint64_t hourSizes = 0;
        for (const HourStatus& h : day.hours)
            hourSizes += h.size;
        EXPECT_EQ(hourSizes, day.size);
    }
    const auto one = client_->status(account_, days_[0].date, days_[0].date, false);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_TRUE(one[0].hours.empty());
}

TEST_F(AtdClient, SessionLifecycleAndDownloadMatchTheStatus) {
    const DayStatus& day = days_.front();
    const Session s = sessionFor(*client_, day);
    EXPECT_EQ(s.start, day.date);
    EXPECT_TRUE(s.accountLevel);
    EXPECT_EQ(s.gzipSize, day.gzipSize);
    EXPECT_EQ(s.size, day.size);
    EXPECT_EQ(s.tag, "atclient-test");
    EXPECT_EQ(client_->getSession(account_, s.id).id, s.id);
    const auto listed = client_->listSessions(account_);
    EXPECT_TRUE(
        std::any_of(listed.begin(), listed.end(), [&](const Session& x) { return x.id == s.id; }));

    auto inflated = client_->download(account_, s.id, DownloadMode::Inflated);
    const std::string text = readAll(*inflated);
    EXPECT_EQ(text.size(), day.size);
    EXPECT_EQ(lineCount(text), day.count);
    EXPECT_EQ(inflated->gzipTotal(), day.gzipSize);

    auto raw = client_->download(account_, s.id, DownloadMode::Raw);
    const std::string gz = readAll(*raw);
    EXPECT_EQ(gz.size(), day.gzipSize);
    EXPECT_EQ(inflateWithZlib(gz), text);

    auto tail = client_->download(account_, s.id, DownloadMode::Raw, gz.size() / 3);
    EXPECT_EQ(readAll(*tail), gz.substr(gz.size() / 3));

    client_->deleteSession(account_, s.id);
    EXPECT_THROW(client_->getSession(account_, s.id), ApiError);
    try {
        client_->download(account_, s.id, DownloadMode::Inflated);
        FAIL() << "deleted session downloaded";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.what();
    }
}

TEST_F(AtdClient, HourSessionMatchesTheHourStatus) {
    const DayStatus& day = days_.back();
    ASSERT_FALSE(day.hours.empty());
    const HourStatus& hour = day.hours[day.hours.size() / 2];
    const Session s = sessionFor(*client_, day, hour.hour);
    EXPECT_EQ(s.hour, hour.hour);
    auto stream = client_->download(account_, s.id, DownloadMode::Inflated);
    const std::string text = readAll(*stream);
    EXPECT_EQ(text.size(), hour.size);
    EXPECT_EQ(lineCount(text), hour.count);
    client_->deleteSession(account_, s.id);
}

TEST_F(AtdClient, IngestDeleteAndRetention) {
    const Domain space{account_.projectId, false};
    const std::string lines =
        "{\"id\":\"t-1\",\"eventTime\":\"2017-07-25T10:29:28.54+0000\",\"action\":\"a.b.c\"}\n"
        "{\"id\":\"t-2\",\"eventTime\":\"2017-07-25T11:00:00.00+0000\",\"action\":\"a.b.c\"}\n";
    EXPECT_EQ(client_->ingest(space, lines).accepted, 2u);
    const Date d = *Date::parse("2017-07-25");
    const auto status = client_->status(space, d, d, false);
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(status[0].count, 2u);

    try {
        client_->ingest(space,
                        "{\"id\":\"t-3\",\"eventTime\":\"2017-07-25T10:00:00Z\"}\nnot json\n");
        FAIL() << "bad line accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest);
        EXPECT_EQ(e.serviceMessage().rfind("line 2: ", 0), 0u) << e.serviceMessage();
        EXPECT_EQ(e.serviceCode(), "bad_request");
    }

    const DeleteResult deleted = client_->deleteEvents(space, d, d, std::nullopt);
    EXPECT_EQ(deleted.count, 2u);
    EXPECT_GT(deleted.bytes, 0u);
    EXPECT_TRUE(client_->status(space, d, d, false).empty());

    EXPECT_EQ(client_->retention(space), 0);
    EXPECT_EQ(client_->setRetention(space, 3650), 3650);
    EXPECT_EQ(client_->retention(space), 3650);
    try {
        client_->setRetention(space, 99999);
        FAIL() << "retention out of range accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
    }
}

TEST_F(AtdClient, RefusalsAreTyped) {
    Client auditor(atd_.options(kAuditorKey));
    const SpaceList spaces = auditor.spaces();
    EXPECT_FALSE(spaces.accountAccess);
    ASSERT_EQ(spaces.spaces.size(), 1u);
    try {
        auditor.status(Domain{spaces.spaces[0].guid, true}, {}, {}, false);
        FAIL() << "auditor read the account domain";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Forbidden) << e.what();
    }

    SessionRequest tooLong;
    tooLong.start = Date::parse("2017-07-01");
    tooLong.end = Date::parse("2017-07-20");
    try {
        client_->createSession(account_, tooLong);
        FAIL() << "20-day session accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
    }

    Client wrongKey(atd_.options("not-a-key"));
    try {
        wrongKey.spaces();
        FAIL() << "wrong key accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Auth) << e.what();
    }
}

TEST_F(AtdClient, CutConnectionThroughFaultProxyResumes) {
    const DayStatus& day = days_.front();
    ASSERT_GT(day.gzipSize, 60000u);
    const std::string expected = downloadDay(*client_, day, DownloadMode::Inflated);
    const std::string expectedRaw = downloadDay(*client_, day, DownloadMode::Raw);

    FaultProxy proxy(atd_.hostPort(), {"--cut-after", "50000", "--once", "--match-substring",
                                       "/v3/events/download"});
    ClientOptions o = atd_.options();
    o.endpoint = proxy.endpoint();
    Client viaProxy(o);
    const Session s = sessionFor(viaProxy, day);
    auto stream = viaProxy.download(account_, s.id, DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream, 128 * 1024), expected);
    stream.reset();
    // The same session again, raw: the proxy's one fault is spent, the bytes are the same.
    auto raw = viaProxy.download(account_, s.id, DownloadMode::Raw);
    EXPECT_EQ(readAll(*raw), expectedRaw);
    viaProxy.deleteSession(account_, s.id);
}

TEST_F(AtdClient, StalledConnectionThroughFaultProxyResumes) {
    const DayStatus& day = days_.front();
    const std::string expected = downloadDay(*client_, day, DownloadMode::Inflated);
    FaultProxy proxy(atd_.hostPort(), {"--stall-after", "30000", "--once", "--match-substring",
                                       "/v3/events/download"});
    ClientOptions o = atd_.options();
    o.endpoint = proxy.endpoint();
    o.stallTimeoutMs = 500;
    Client viaProxy(o);
    const Session s = sessionFor(viaProxy, day);
    auto stream = viaProxy.download(account_, s.id, DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream), expected);
    EXPECT_EQ(stream->gzipReceived(), day.gzipSize);
    viaProxy.deleteSession(account_, s.id);
}

TEST_F(AtdClient, ADownloadWhoseReplyNeverComesIsRetried) {
    const DayStatus& day = days_.back();
    const std::string expected = downloadDay(*client_, day, DownloadMode::Raw);
    // The first download request's reply is held back far beyond the stall timeout.
    FaultProxy proxy(atd_.hostPort(),
                     {"--delay-ms", "20000", "--once", "--match-substring", "/v3/events/download"});
    ClientOptions o = atd_.options();
    o.endpoint = proxy.endpoint();
    o.stallTimeoutMs = 500;
    Client viaProxy(o);
    const Session s = sessionFor(viaProxy, day);
    auto stream = viaProxy.download(account_, s.id, DownloadMode::Raw);
    EXPECT_EQ(readAll(*stream), expected);
    viaProxy.deleteSession(account_, s.id);
}

TEST_F(AtdClient, EightConcurrentDownloadsFromOneClient) {
    std::vector<std::string> expected;
    for (const DayStatus& day : days_)
        expected.push_back(downloadDay(*client_, day, DownloadMode::Inflated));

    std::vector<std::thread> threads;
    std::vector<std::string> got(8);
    std::vector<std::string> errors(8);
    for (size_t i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            try {
                got[i] = downloadDay(*client_, days_[i % days_.size()], DownloadMode::Inflated);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads)
        t.join();
    for (size_t i = 0; i < 8; ++i) {
        EXPECT_EQ(errors[i], "") << i;
        EXPECT_TRUE(got[i] == expected[i % days_.size()]) << "stream " << i << " differs";
    }
    EXPECT_TRUE(client_->listSessions(account_).empty());
}

TEST(AtdTokens, ShortLivedTokensAreRenewed) {
    Atd atd({"--token-ttl", "1"});
    Client client(atd.options());
    EXPECT_EQ(client.spaces().user, "demo@example.com");
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(client.spaces().user, "demo@example.com");
}

}  // namespace
}  // namespace at
