// Client::downloadRange against a fake service: the bounded Range it asks, resumes inside the
// range byte-exact, and every reply that is not exactly the range asked refused as Integrity.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "FakeService.h"
#include "TestGzip.h"
#include "at/Client.h"

namespace at {
namespace {

using namespace std::chrono_literals;
using test::FakeService;

std::string readAll(DownloadStream& stream, size_t bufferSize = 64 * 1024) {
    std::string out;
    std::vector<char> buf(bufferSize);
    while (size_t n = stream.read(buf.data(), buf.size()))
        out.append(buf.data(), n);
    return out;
}

class RangeDownloads : public ::testing::Test {
  protected:
    // Serves body_ with httplib's own Range handling; the first request is cut after
    // cutFirstAfter_ body bytes, or stalled after stallFirstAfter_ when those are >= 0.
    void serve() {
        fake_.server().Get(
            "/v3/events/download", [this](const httplib::Request& req, httplib::Response& res) {
                int n = 0;
                {
                    std::lock_guard lock(mutex_);
                    n = int(ranges_.size()) + 1;
                    ranges_.push_back(req.get_header_value("Range"));
                }
                long limit = n == 1 ? std::max(cutFirstAfter_, stallFirstAfter_) : -1;
                const bool stall = n == 1 && stallFirstAfter_ >= 0;
                res.set_content_provider(
                    body_.size(), "application/octet-stream",
                    [this, limit, stall, sent = long(0)](size_t offset, size_t length,
                                                         httplib::DataSink& sink) mutable {
                        // httplib 0.11 passes the asked length even past the end (its
                        // header is clamped, the provider's length is not: ASan saw the read).
                        if (offset >= body_.size())
                            return false;
                        const size_t chunk =
                            std::min<size_t>({length, body_.size() - offset, 16 * 1024});
                        if (limit >= 0 && sent + long(chunk) >= limit) {
                            sink.write(body_.data() + offset, size_t(limit - sent));
                            if (stall)
                                fake_.waitUntilReleased(30s);
                            return false;
                        }
                        sink.write(body_.data() + offset, chunk);
                        sent += long(chunk);
                        return true;
                    });
            });
    }
    // Every request answered by `reply` (a misbehaving service).
    void serveWith(std::function<void(const httplib::Request&, httplib::Response&)> reply) {
        fake_.server().Get("/v3/events/download", std::move(reply));
    }
    std::unique_ptr<DownloadStream> open(uint64_t offset, uint64_t length) {
        fake_.start();
        options_.endpoint = fake_.options().endpoint;
        client_ = std::make_unique<Client>(options_);
        return client_->downloadRange(Domain{"g1"}, "sess-1", offset, length);
    }
    void expectIntegrity(uint64_t offset, uint64_t length, const std::string& words) {
        try {
            auto stream = open(offset, length);
            readAll(*stream);
            FAIL() << "a wrong reply was taken for bytes " << offset << "+" << length;
        } catch (const ApiError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Integrity) << e.what();
            EXPECT_NE(std::string(e.what()).find("session sess-1"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    }
    std::vector<std::string> ranges() {
        std::lock_guard lock(mutex_);
        return ranges_;
    }

    // What the handlers use is declared before fake_, so it outlives the server's threads
    // (members are destroyed in reverse order: TSan saw body_ freed under a reply).
    std::string body_ = test::randomBytes(3 << 20, 21);
    long cutFirstAfter_ = -1;
    long stallFirstAfter_ = -1;
    std::mutex mutex_;
    std::vector<std::string> ranges_;
    FakeService fake_;
    ClientOptions options_ = fake_.options();
    std::unique_ptr<Client> client_;
};

TEST_F(RangeDownloads, AsksABoundedRangeAndEndsThere) {
    serve();
    auto stream = open(1000, 500000);
    EXPECT_EQ(stream->gzipTotal(), body_.size());
    EXPECT_EQ(readAll(*stream), body_.substr(1000, 500000));
    EXPECT_EQ(stream->position(), 500000u);
    char byte = 0;
    EXPECT_EQ(stream->read(&byte, 1), 0u);  // stays at the end
    EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=1000-500999"});
}

TEST_F(RangeDownloads, ACutInsideTheRangeResumesTheRestOfIt) {
    cutFirstAfter_ = 200000;
    serve();
    auto stream = open(1000, 1000000);
    EXPECT_EQ(readAll(*stream), body_.substr(1000, 1000000));
    const auto asked = ranges();
    ASSERT_EQ(asked.size(), 2u);
    EXPECT_EQ(asked[0], "bytes=1000-1000999");
    EXPECT_EQ(asked[1], "bytes=201000-1000999");
}

TEST_F(RangeDownloads, AStallInsideTheRangeResumesTheRestOfIt) {
    stallFirstAfter_ = 100000;
    options_.stallTimeoutMs = 300;
    serve();
    auto stream = open(body_.size() - 300000, 300000);
    EXPECT_EQ(readAll(*stream), body_.substr(body_.size() - 300000));
    const auto asked = ranges();
    ASSERT_EQ(asked.size(), 2u);
    EXPECT_EQ(asked[1], "bytes=" + std::to_string(body_.size() - 200000) + "-" +
                            std::to_string(body_.size() - 1));
}

TEST_F(RangeDownloads, TheLastByteAlone) {
    serve();
    auto stream = open(body_.size() - 1, 1);
    EXPECT_EQ(readAll(*stream), body_.substr(body_.size() - 1));
}

TEST_F(RangeDownloads, LengthZeroIsRefusedBeforeAnyRequest) {
    serve();
    try {
        open(10, 0);
        FAIL() << "an empty range was asked";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
        EXPECT_NE(std::string(e.what()).find("sess-1"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(ranges().empty());
}

TEST_F(RangeDownloads, AWholeBody200IsIntegrity) {
    serveWith([this](const httplib::Request&, httplib::Response& res) {
        res.set_content_provider(body_.size(), "application/octet-stream",
                                 [this](size_t offset, size_t length, httplib::DataSink& sink) {
                                     sink.write(body_.data() + offset, length);
                                     return true;
                                 });
        res.status = 200;
        res.set_header("Accept-Ranges", "none");
    });
    expectIntegrity(1000, 5000, "ignored the range");
}

TEST_F(RangeDownloads, AnotherRangeIsIntegrity) {
    serveWith([this](const httplib::Request&, httplib::Response& res) {
        // The service answers bytes 0-4999 whatever was asked (chunked: httplib leaves the
        // body and its Content-Range alone).
        res.status = 206;
        res.set_header("Content-Range", "bytes 0-4999/" + std::to_string(body_.size()));
        res.set_chunked_content_provider("application/octet-stream",
                                         [this](size_t, httplib::DataSink& sink) {
                                             sink.write(body_.data(), 5000);
                                             sink.done();
                                             return true;
                                         });
    });
    expectIntegrity(1000, 5000, "Content-Range");
}

TEST_F(RangeDownloads, ARangePastTheEndIsIntegrity) {
    serve();  // httplib clamps the end, as atd does
    expectIntegrity(body_.size() - 10, 20, "has only");
}

TEST_F(RangeDownloads, AnOffsetPastTheEndIsTheServices416) {
    serveWith([this](const httplib::Request&, httplib::Response& res) {
        res.set_header("Content-Range", "bytes */" + std::to_string(body_.size()));
        FakeService::replyError(res, 416, "range_not_satisfiable", "starts past the end");
    });
    try {
        auto stream = open(body_.size(), 10);
        readAll(*stream);
        FAIL() << "a range past the end was served";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadRequest) << e.what();
        EXPECT_EQ(e.httpStatus(), 416) << e.what();
    }
}

}  // namespace
}  // namespace at
