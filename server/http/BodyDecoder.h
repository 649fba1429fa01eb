// A request body as the route will see it: transfer decoding is MHD's, content decoding
// (Content-Encoding: gzip) is done here, incrementally, and the cap counts the decoded bytes,
// so a small gzip body that inflates to gigabytes stops at the cap, not in memory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace atd::http {

class BodyDecoder {
  public:
    enum class Failure { None, TooLarge, Corrupt };

    // identity (or none), gzip and x-gzip; anything else the server answers 415.
    static bool supports(std::string_view contentEncoding);

    BodyDecoder(std::string_view contentEncoding, size_t maxDecodedBytes);
    ~BodyDecoder();
    BodyDecoder(const BodyDecoder&) = delete;
    BodyDecoder& operator=(const BodyDecoder&) = delete;

    // Takes the next transfer-decoded bytes. False once the decoded body passes the cap or the
    // gzip stream is corrupt; failure() says which, and nothing more is kept.
    bool feed(const char* data, size_t n);
    // The body ended: false if a gzip stream stopped inside a member.
    bool finish();

    Failure failure() const { return failure_; }
    const std::string& why() const { return why_; }  // zlib's message for Corrupt
    size_t maxDecodedBytes() const { return max_; }
    size_t decodedBytes() const { return decoded_; }

    // The whole decoded body in one string (for small bodies).
    std::string take();
    // Hands the decoded body over in pieces, freeing each once passed (for large bodies).
    bool drain(const std::function<bool(const char*, size_t)>& receiver);

  private:
    bool keep(const char* data, size_t n);
    bool inflateSome(const char* data, size_t n);

    struct Inflater;
    std::unique_ptr<Inflater> inflater_;  // null for identity
    size_t max_;
    size_t decoded_ = 0;
    bool sawInput_ = false;
    Failure failure_ = Failure::None;
    std::string why_;
    std::vector<std::string> pieces_;
};

}  // namespace atd::http
