#include "DownloadStreams.h"

#include <cstdint>
#include <optional>
#include <span>
#include <thread>

#include "ByteRing.h"
#include "DownloadTransfer.h"
#include "Inflater.h"
#include "at/Error.h"

namespace at {
namespace {

// 4 × 256 KiB: enough to keep the network busy while the reader inflates, and the most a
// stream ever holds of the download, whatever its size.
constexpr size_t kRingBytes = 4 * 256 * 1024;

class RingStream : public DownloadStream {
  public:
    RingStream(Http& http, TokenSource& tokens, const Domain& domain, const std::string& sessionId,
               uint64_t offset, std::optional<uint64_t> end = std::nullopt)
        : ring_(kRingBytes), transfer_(http, tokens, domain, sessionId, offset, end, ring_) {
        total_ = transfer_.waitForTotal();
    }

    uint64_t gzipReceived() const override { return transfer_.received(); }
    uint64_t gzipTotal() const override { return total_; }
    uint64_t position() const override { return position_; }
    void cancel() override { transfer_.cancel(); }

  protected:
    ByteRing ring_;
    DownloadTransfer transfer_;  // declared after ring_: stopped before the ring goes away
    uint64_t total_ = 0;
    uint64_t position_ = 0;
};

class RawStream final : public RingStream {
  public:
    using RingStream::RingStream;

    size_t read(char* buf, size_t n) override {
        const size_t out = ring_.read(buf, n);
        position_ += out;
        return out;
    }
};

// Inflates on its own thread into a second ring, so inflating the next bytes overlaps the
// reader's copies (the FUSE reply, the kernel's page cache, cat) the way `curl | igzip`
// overlaps its two processes; inflating on the reader's thread left a core idle 19 % of a
// `cat`. The reader only copies out of the ring.
class InflatingStream final : public RingStream {
  public:
    InflatingStream(Http& http, TokenSource& tokens, const Domain& domain,
                    const std::string& sessionId)
        : RingStream(http, tokens, domain, sessionId, 0),
          inflater_(makeInflater()),
          out_(kInflatedRingBytes),
          thread_([this] { run(); }) {}

    ~InflatingStream() override {
        out_.cancel();
        ring_.cancel();  // wakes the inflate thread's write or the transfer's
        thread_.join();
    }

    void cancel() override {
        out_.cancel();
        RingStream::cancel();
    }

    size_t read(char* buf, size_t n) override {
        const size_t out = out_.read(buf, n);  // rethrows the inflate error
        position_ += out;
        return out;
    }

  private:
    static constexpr size_t kInflatedRingBytes = 2 * 1024 * 1024;
    static constexpr size_t kStepBytes = 256 * 1024;

    void run() {
        try {
            for (;;) {
                // Inflate straight into the ring's free space: no staging buffer to copy from.
                const std::span<char> room = out_.writable();
                if (room.empty())
                    return;  // the reader is gone
                const size_t got = inflateSome(room.data(), std::min(room.size(), kStepBytes));
                if (got == 0) {
                    out_.finish();
                    return;
                }
                out_.commit(got);
            }
        } catch (...) {
            out_.finish(std::current_exception());
        }
    }

    // Up to n inflated bytes; 0 at a clean end of the download.
    size_t inflateSome(char* buf, size_t n) {
        size_t out = 0;
        while (out < n) {
            if (input_.empty()) {
                // Drain what the inflater still holds before waiting on the network.
                out += inflate(nullptr, 0, buf + out, n - out).produced;
                if (out == n)
                    break;
                if (out > 0)
                    return out;  // hand over what is ready rather than wait for more input
                input_ = ring_.peek();
                if (input_.empty()) {
                    if (!inflater_->atMemberBoundary()) {
                        throw ApiError(ErrorKind::Integrity, transfer_.callName(), 0,
                                       "gzip data ends inside a member (truncated)");
                    }
                    break;
                }
            }
            const Inflater::Step step = inflate(input_.data(), input_.size(), buf + out, n - out);
            if (step.consumed == 0 && step.produced == 0) {
                throw ApiError(ErrorKind::Integrity, transfer_.callName(), 0,
                               "gzip data the inflater cannot make progress on");
            }
            ring_.consume(step.consumed);
            input_ = input_.subspan(step.consumed);
            consumed_ += step.consumed;
            out += step.produced;
        }
        return out;
    }

    Inflater::Step inflate(const char* in, size_t inLen, char* out, size_t outLen) {
        try {
            return inflater_->inflate(in, inLen, out, outLen);
        } catch (const ApiError& e) {
            // Name the session and where in the download the data went bad.
            throw ApiError(e.kind(), transfer_.callName(), 0,
                           e.serviceMessage() + " near gzip byte " + std::to_string(consumed_));
        }
    }

    std::unique_ptr<Inflater> inflater_;
    std::span<const char> input_;  // peeked from the ring, not yet consumed
    uint64_t consumed_ = 0;
    ByteRing out_;        // inflated bytes for the reader
    std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace

std::unique_ptr<DownloadStream> openDownload(Http& http, TokenSource& tokens, const Domain& domain,
                                             const std::string& sessionId, DownloadMode mode,
                                             uint64_t rawOffset) {
    if (mode == DownloadMode::Raw) {
        return std::make_unique<RawStream>(http, tokens, domain, sessionId, rawOffset);
    }
    if (rawOffset != 0) {
        throw ApiError(ErrorKind::BadRequest, "GET /v3/events/download (session " + sessionId + ")",
                       0, "an inflated download always starts at byte 0");
    }
    return std::make_unique<InflatingStream>(http, tokens, domain, sessionId);
}

std::unique_ptr<DownloadStream> openRange(Http& http, TokenSource& tokens, const Domain& domain,
                                          const std::string& sessionId, uint64_t offset,
                                          uint64_t length) {
    // An empty range has no Range header to say it (bytes=N-(N-1) is invalid): refused, so a
    // caller's off-by-one shows up here rather than as a request for the whole download.
    if (length == 0 || offset > UINT64_MAX - length) {
        throw ApiError(ErrorKind::BadRequest, "GET /v3/events/download (session " + sessionId + ")",
                       0,
                       "a range of " + std::to_string(length) + " bytes at byte " +
                           std::to_string(offset) + " (a range must hold at least one byte)");
    }
    return std::make_unique<RawStream>(http, tokens, domain, sessionId, offset, offset + length);
}

}  // namespace at
