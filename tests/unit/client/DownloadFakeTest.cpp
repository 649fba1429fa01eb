// DownloadStream against a fake service: resume after cuts and stalls (byte-exact, with
// Range), bounded attempts, integrity checks, raw mode, backpressure.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>

#include "FakeService.h"
#include "TestGzip.h"
#include "at/Client.h"

namespace at {
namespace {

using namespace std::chrono_literals;
using test::FakeService;

// How the fake serves GET /v3/events/download, and what it saw.
struct DownloadScript {
    std::string body;
    long cutFirstAfter = -1;    // first request: drop the connection after N body bytes
    long stallFirstAfter = -1;  // first request: send N bytes, then nothing until the test ends
    long cutEveryAfter = -1;    // every request: drop after N body bytes
    int failFirstWith = 0;      // first request: this status (503, 401, ...) instead
    std::mutex mutex;
    std::vector<std::string> ranges;  // Range header per request
    std::vector<std::string> sessionIds;
    int requests = 0;
};

void serveDownloads(FakeService& fake, DownloadScript& script) {
    fake.server().Get("/v3/events/download", [&fake, &script](const httplib::Request& req,
                                                              httplib::Response& res) {
        int n = 0;
        {
            std::lock_guard lock(script.mutex);
            n = ++script.requests;
            script.ranges.push_back(req.get_header_value("Range"));
            script.sessionIds.push_back(req.get_header_value("SESSIONID"));
        }
        if (n == 1 && script.failFirstWith != 0) {
            res.set_header("Retry-After", "0");
            FakeService::replyError(res, script.failFirstWith, "unavailable", "try again");
            return;
        }
        if (script.body.empty()) {
            res.set_content("", "application/octet-stream");
            return;
        }
        long limit = -1;
        bool stall = false;
        if (n == 1 && script.cutFirstAfter >= 0)
            limit = script.cutFirstAfter;
        if (n == 1 && script.stallFirstAfter >= 0) {
            limit = script.stallFirstAfter;
            stall = true;
        }
        if (script.cutEveryAfter >= 0)
            limit = script.cutEveryAfter;
        // httplib answers Range itself (206, Content-Range); offsets here are absolute.
        res.set_content_provider(
            script.body.size(), "application/octet-stream",
            [&fake, &script, limit, stall, sent = long(0)](size_t offset, size_t length,
                                                           httplib::DataSink& sink) mutable {
                size_t chunk = std::min<size_t>(length, 64 * 1024);
                if (limit >= 0 && sent + long(chunk) >= limit) {
                    sink.write(script.body.data() + offset, size_t(limit - sent));
                    if (stall)
                        fake.waitUntilReleased(30s);
                    return false;
                }
                sink.write(script.body.data() + offset, chunk);
                sent += long(chunk);
                return true;
            });
    });
}

std::string readAll(DownloadStream& stream, size_t bufferSize = 256 * 1024) {
    std::string out;
    std::vector<char> buf(bufferSize);
    while (size_t n = stream.read(buf.data(), buf.size()))
        out.append(buf.data(), n);
    return out;
}

class Downloads : public ::testing::Test {
  protected:
    void start(bool scripted = true) {
        if (scripted)
            serveDownloads(fake_, script_);
        fake_.start();
        options_.endpoint = fake_.options().endpoint;  // the port is known only now
    }
    std::unique_ptr<DownloadStream> open(DownloadMode mode, uint64_t offset = 0) {
        client_ = std::make_unique<Client>(options_);
        return client_->download(Domain{"g1"}, "sess-1", mode, offset);
    }

    FakeService fake_;
    DownloadScript script_;
    ClientOptions options_ = fake_.options();
    std::unique_ptr<Client> client_;
    const std::string text_ = test::makeEventLines(20000, 42);  // ~2.5 MB inflated
};

TEST_F(Downloads, InflatesAMultiMemberDownload) {
    script_.body = test::gzipMembers(text_, 6);
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(stream->gzipTotal(), script_.body.size());
    EXPECT_EQ(readAll(*stream, 1 << 20), text_);
    EXPECT_EQ(stream->position(), text_.size());
    EXPECT_EQ(stream->gzipReceived(), script_.body.size());
    EXPECT_EQ(stream->read(nullptr, 0), 0u);
    std::vector<char> after(16);
    EXPECT_EQ(stream->read(after.data(), after.size()), 0u);  // stays at the end
    EXPECT_EQ(script_.sessionIds.at(0), "sess-1");
}

TEST_F(Downloads, ReadFillsTheBufferUntilTheEnd) {
    script_.body = test::gzipMembers(text_, 3);
    start();
    auto stream = open(DownloadMode::Inflated);
    std::vector<char> buf(100000);
    size_t total = 0;
    for (;;) {
        const size_t n = stream->read(buf.data(), buf.size());
        total += n;
        if (n < buf.size()) {
            EXPECT_EQ(total, text_.size()) << "short read before the end";
            EXPECT_EQ(stream->read(buf.data(), buf.size()), 0u);
            break;
        }
    }
}

TEST_F(Downloads, CutBodyIsResumedWithRangeByteExact) {
    script_.body = test::gzipMembers(text_, 4);
    script_.cutFirstAfter = long(script_.body.size() / 2) + 1;
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream, 128 * 1024), text_);
    std::lock_guard lock(script_.mutex);
    ASSERT_EQ(script_.ranges.size(), 2u);
    EXPECT_EQ(script_.ranges[0], "");
    EXPECT_EQ(script_.ranges[1], "bytes=" + std::to_string(script_.cutFirstAfter) + "-");
    EXPECT_EQ(script_.sessionIds[1], "sess-1");
}

TEST_F(Downloads, RawModeResumesByteExact) {
    script_.body = test::randomBytes(3 << 20, 7);
    script_.cutFirstAfter = 1234567;
    start();
    auto stream = open(DownloadMode::Raw);
    EXPECT_EQ(readAll(*stream, 1 << 20), script_.body);
    EXPECT_EQ(script_.ranges.at(1), "bytes=1234567-");
}

TEST_F(Downloads, RawModeStartsAtAnOffset) {
    script_.body = test::gzipMembers(text_, 2);
    start();
    auto stream = open(DownloadMode::Raw, 1000);
    EXPECT_EQ(stream->gzipTotal(), script_.body.size());
    EXPECT_EQ(readAll(*stream), script_.body.substr(1000));
    EXPECT_EQ(script_.ranges.at(0), "bytes=1000-");
}

TEST_F(Downloads, StallIsResumed) {
    script_.body = test::gzipMembers(text_, 4);
    script_.stallFirstAfter = long(script_.body.size() / 2);
    options_.stallTimeoutMs = 300;
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream), text_);
    EXPECT_EQ(script_.ranges.at(1), "bytes=" + std::to_string(script_.stallFirstAfter) + "-");
}

TEST_F(Downloads, StallWithoutRetriesFailsWithinABound) {
    script_.body = test::gzipMembers(text_, 4);
    script_.stallFirstAfter = 100000;
    options_.stallTimeoutMs = 300;
    options_.maxAttempts = 1;
    start();
    auto stream = open(DownloadMode::Inflated);
    const auto begin = std::chrono::steady_clock::now();
    try {
        readAll(*stream);
        FAIL() << "a stalled download finished";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Network);
        EXPECT_NE(std::string(e.what()).find("sess-1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("stalled"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
}

TEST_F(Downloads, RepeatedCutsExhaustTheAttempts) {
    script_.body = test::randomBytes(1 << 20, 9);
    script_.cutEveryAfter = 0;  // headers, then nothing: no progress, ever
    options_.maxAttempts = 3;
    start();
    auto stream = open(DownloadMode::Raw);
    try {
        readAll(*stream);
        FAIL() << "an always-cut download finished";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Network);
        EXPECT_NE(std::string(e.what()).find("session sess-1"), std::string::npos) << e.what();
    }
    EXPECT_EQ(script_.requests, 3);
}

TEST_F(Downloads, CutsWithProgressKeepResuming) {
    script_.body = test::randomBytes(2 << 20, 10);
    script_.cutEveryAfter = 300000;  // each attempt moves forward: more cuts than maxAttempts
    options_.maxAttempts = 2;
    start();
    auto stream = open(DownloadMode::Raw);
    EXPECT_EQ(readAll(*stream), script_.body);
    EXPECT_GE(script_.requests, 7);
}

TEST_F(Downloads, AResumeThatIgnoresRangeIsIntegrity) {
    script_.body = test::randomBytes(1 << 20, 13);
    fake_.server().Get(
        "/v3/events/download", [this](const httplib::Request&, httplib::Response& res) {
            const int n = ++script_.requests;
            if (n == 1) {
                res.set_content_provider(script_.body.size(), "application/octet-stream",
                                         [this](size_t, size_t, httplib::DataSink& sink) {
                                             sink.write(script_.body.data(), 1000);
                                             return false;
                                         });
                return;
            }
            // A service (or proxy) that answers the resume with the whole body again.
            res.status = 200;
            res.set_header("Content-Range", "bytes 0-99/100");
            res.set_content(script_.body, "application/octet-stream");
        });
    start(false);
    auto stream = open(DownloadMode::Raw);
    try {
        readAll(*stream);
        FAIL() << "a mismatched resume was spliced in";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity) << e.what();
    }
}

TEST_F(Downloads, TruncatedGzipIsIntegrity) {
    const std::string gz = test::gzipMembers(text_, 2);
    script_.body = gz.substr(0, gz.size() - 10);  // Content-Length agrees; the gzip does not
    start();
    auto stream = open(DownloadMode::Inflated);
    try {
        readAll(*stream);
        FAIL() << "truncated gzip accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity) << e.what();
    }
}

class CorruptDownloads : public Downloads, public ::testing::WithParamInterface<const char*> {};

TEST_P(CorruptDownloads, CorruptGzipIsIntegrity) {
    if (std::string(GetParam()) == "zlib")
        setenv("ATFS_INFLATER", "zlib", 1);
    std::string gz = test::gzipMember(text_);
    gz[gz.size() - 5] ^= 1;  // CRC32 of the trailer
    script_.body = gz;
    start();
    auto stream = open(DownloadMode::Inflated);
    try {
        readAll(*stream);
        FAIL() << "corrupt gzip accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Integrity) << e.what();
        EXPECT_NE(std::string(e.what()).find("sess-1"), std::string::npos) << e.what();
    }
    unsetenv("ATFS_INFLATER");
}

INSTANTIATE_TEST_SUITE_P(Both, CorruptDownloads, ::testing::Values("zlib", "isal"));

TEST_F(Downloads, EmptyDownloadEndsAtOnce) {
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(stream->gzipTotal(), 0u);
    char buf[64];
    EXPECT_EQ(stream->read(buf, sizeof buf), 0u);
}

TEST_F(Downloads, RefusedDownloadThrowsFromDownload) {
    fake_.server().Get("/v3/events/download", [](const httplib::Request&, httplib::Response& res) {
        FakeService::replyError(res, 404, "not_found", "no session sess-1");
    });
    start(false);
    Client client(options_);
    try {
        client.download(Domain{"g1"}, "sess-1", DownloadMode::Inflated);
        FAIL() << "404 not reported";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
        EXPECT_NE(std::string(e.what()).find("session sess-1"), std::string::npos);
    }
}

TEST_F(Downloads, A503IsRetried) {
    script_.body = test::gzipMembers(text_, 2);
    script_.failFirstWith = 503;
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream), text_);
    EXPECT_EQ(script_.requests, 2);
}

TEST_F(Downloads, A401RefreshesTheToken) {
    script_.body = test::gzipMembers(text_, 2);
    script_.failFirstWith = 401;
    start();
    auto stream = open(DownloadMode::Inflated);
    EXPECT_EQ(readAll(*stream), text_);
    EXPECT_EQ(fake_.tokenCalls(), 2);
}

TEST_F(Downloads, AFullRingHoldsTheTransferBack) {
    script_.body = test::randomBytes(16 << 20, 11);
    start();
    auto stream = open(DownloadMode::Raw);
    char first[1];
    ASSERT_EQ(stream->read(first, 1), 1u);
    std::this_thread::sleep_for(500ms);  // a reader that does not read
    // Received but unread bytes are bounded by the ring, not by the download's size.
    EXPECT_LE(stream->gzipReceived() - stream->position(), 2u << 20);
    EXPECT_EQ(std::string(1, first[0]) + readAll(*stream), script_.body);
}

TEST_F(Downloads, ClosingMidwayStopsQuickly) {
    script_.body = test::randomBytes(16 << 20, 12);
    start();
    auto stream = open(DownloadMode::Raw);
    char buf[4096];
    ASSERT_EQ(stream->read(buf, sizeof buf), sizeof buf);
    const auto begin = std::chrono::steady_clock::now();
    stream.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

}  // namespace
}  // namespace at
