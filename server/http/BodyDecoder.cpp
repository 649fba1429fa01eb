#include "http/BodyDecoder.h"

#include <strings.h>
#include <zlib.h>

#include <algorithm>

namespace atd::http {

namespace {

// Pieces of about this size: big enough to be cheap, small enough that drain() frees memory
// as the route copies the body.
constexpr size_t kPieceBytes = size_t(1) << 20;

bool isIdentity(std::string_view encoding) {
    return encoding.empty() ||
           (encoding.size() == 8 && ::strncasecmp(encoding.data(), "identity", 8) == 0);
}

bool isGzip(std::string_view encoding) {
    return (encoding.size() == 4 && ::strncasecmp(encoding.data(), "gzip", 4) == 0) ||
           (encoding.size() == 6 && ::strncasecmp(encoding.data(), "x-gzip", 6) == 0);
}

}  // namespace

struct BodyDecoder::Inflater {
    z_stream zs{};
    bool ended = false;  // the last member ended; more input starts a new member
    bool ok = false;
    Inflater() { ok = inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK; }
    ~Inflater() {
        if (ok)
            inflateEnd(&zs);
    }
};

bool BodyDecoder::supports(std::string_view contentEncoding) {
    return isIdentity(contentEncoding) || isGzip(contentEncoding);
}

BodyDecoder::BodyDecoder(std::string_view contentEncoding, size_t maxDecodedBytes)
    : max_(maxDecodedBytes) {
    if (isGzip(contentEncoding)) {
        inflater_ = std::make_unique<Inflater>();
        if (!inflater_->ok) {
            failure_ = Failure::Corrupt;
            why_ = "zlib could not start";
        }
    }
}

BodyDecoder::~BodyDecoder() = default;

bool BodyDecoder::keep(const char* data, size_t n) {
    if (n > max_ - decoded_) {
        failure_ = Failure::TooLarge;
        pieces_.clear();
        pieces_.shrink_to_fit();
        return false;
    }
    decoded_ += n;
    while (n > 0) {
        if (pieces_.empty() || pieces_.back().size() >= kPieceBytes) {
            pieces_.emplace_back();
            pieces_.back().reserve(std::min(kPieceBytes, std::max(n, size_t(4096))));
        }
        auto& piece = pieces_.back();
        size_t take = std::min(n, kPieceBytes - piece.size());
        piece.append(data, take);
        data += take;
        n -= take;
    }
    return true;
}

bool BodyDecoder::inflateSome(const char* data, size_t n) {
    auto& zs = inflater_->zs;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    zs.avail_in = static_cast<uInt>(n);
    char out[64 * 1024];
    while (zs.avail_in > 0) {
        if (inflater_->ended) {
            inflateReset(&zs);  // another gzip member follows
            inflater_->ended = false;
        }
        zs.next_out = reinterpret_cast<Bytef*>(out);
        zs.avail_out = sizeof out;
        int rc = inflate(&zs, Z_NO_FLUSH);
        if (!keep(out, sizeof out - zs.avail_out))
            return false;
        if (rc == Z_STREAM_END) {
            inflater_->ended = true;
        } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_in == 0)) {
            failure_ = Failure::Corrupt;
            why_ = zs.msg ? zs.msg : "corrupt data";
            pieces_.clear();
            return false;
        }
    }
    return true;
}

bool BodyDecoder::feed(const char* data, size_t n) {
    if (failure_ != Failure::None)
        return false;
    sawInput_ = sawInput_ || n > 0;
    if (!inflater_)
        return keep(data, n);
    while (n > 0) {  // zlib counts input in uInt
        size_t part = std::min<size_t>(n, 1u << 30);
        if (!inflateSome(data, part))
            return false;
        data += part;
        n -= part;
    }
    return true;
}

bool BodyDecoder::finish() {
    if (failure_ != Failure::None)
        return false;
    if (inflater_ && sawInput_ && !inflater_->ended) {
        failure_ = Failure::Corrupt;
        why_ = "unexpected end of data";
        return false;
    }
    return true;
}

std::string BodyDecoder::take() {
    std::string all;
    if (pieces_.size() == 1) {
        all = std::move(pieces_.front());
    } else {
        all.reserve(decoded_);
        for (auto& p : pieces_)
            all += p;
    }
    pieces_.clear();
    return all;
}

bool BodyDecoder::drain(const std::function<bool(const char*, size_t)>& receiver) {
    for (auto& p : pieces_) {
        std::string piece = std::move(p);
        if (!piece.empty() && !receiver(piece.data(), piece.size()))
            return false;
    }
    pieces_.clear();
    return true;
}

}  // namespace atd::http
