// zlib inflater: windowBits 15+16 (gzip only, as ISA-L's ISAL_GZIP: auto-detection would also
// take a zlib-wrapped stream), reset at each member end.
#include <zlib.h>

#include <string>

#include "Inflater.h"
#include "at/Error.h"

namespace at {
namespace {

class ZlibInflater final : public Inflater {
  public:
    ZlibInflater() {
        if (inflateInit2(&z_, 15 + 16) != Z_OK) {
            throw ApiError(ErrorKind::Integrity, "inflate", 0, "zlib could not initialise");
        }
    }
    ~ZlibInflater() override { inflateEnd(&z_); }

    Step inflate(const char* in, size_t inLen, char* out, size_t outLen) override {
        Step step;
        // Runs once even without input: the inflater may still hold output (or an unread
        // trailer) from earlier input.
        do {
            // zlib counts in uInt; cap each call so huge buffers cannot overflow it.
            const uInt inChunk = uInt(std::min<size_t>(inLen - step.consumed, 1u << 30));
            const uInt outChunk = uInt(std::min<size_t>(outLen - step.produced, 1u << 30));
            z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in + step.consumed));
            z_.avail_in = inChunk;
            z_.next_out = reinterpret_cast<Bytef*>(out + step.produced);
            z_.avail_out = outChunk;
            const int rc = ::inflate(&z_, Z_NO_FLUSH);
            const size_t used = inChunk - z_.avail_in;
            const size_t made = outChunk - z_.avail_out;
            step.consumed += used;
            step.produced += made;
            if (used > 0)
                inMember_ = true;
            if (rc == Z_STREAM_END) {
                // One member done (its CRC32 and ISIZE checked); the next may follow.
                inflateReset(&z_);
                inMember_ = false;
                continue;
            }
            if (rc == Z_BUF_ERROR && used == 0 && made == 0)
                break;
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                std::string why = z_.msg ? z_.msg : "zlib error " + std::to_string(rc);
                throw ApiError(ErrorKind::Integrity, "inflate", 0, "corrupt gzip data: " + why);
            }
            if (used == 0 && made == 0)
                break;
        } while (step.consumed < inLen && step.produced < outLen);
        return step;
    }

    bool atMemberBoundary() const override { return !inMember_; }
    const char* name() const override { return "zlib"; }

  private:
    z_stream z_{};
    bool inMember_ = false;
};

}  // namespace

std::unique_ptr<Inflater> makeZlibInflater() {
    return std::make_unique<ZlibInflater>();
}

}  // namespace at
