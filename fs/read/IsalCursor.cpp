// ISA-L raw inflate from a bit position: read_in/read_in_length take the bits of the byte
// before the start, isal_inflate_set_dict the window, and ISAL_GZIP_NO_HDR_VER with crc and
// total_out preset to the member's output so far makes ISA-L check the member's trailer.
#include "read/DeflateCursor.h"

#ifdef ATFS_HAVE_ISAL

#include <isa-l/igzip_lib.h>

#include <algorithm>

#include "at/Error.h"
#include "at/Gzip.h"

namespace atfs::read {
namespace {

constexpr uint64_t kIsalChunk = uint64_t(1) << 30;  // ISA-L counts in uint32_t

[[noreturn]] void corrupt(const char* why) {
    throw at::ApiError(at::ErrorKind::Integrity, "inflate", 0,
                       std::string("corrupt gzip data: ") + why);
}

class IsalCursor final : public DeflateCursor {
  public:
    IsalCursor() : state_(std::make_unique<inflate_state>()) {}

    void start(std::string_view gz, uint64_t limit, const DeflateStart& start) override {
        gz_ = gz;
        limit_ = std::min<uint64_t>(limit, gz.size());
        fed_ = start.in;
        finished_ = false;
        inflate_state& s = *state_;
        isal_inflate_init(&s);
        s.crc_flag = ISAL_GZIP_NO_HDR_VER;
        if (start.bits > 0) {
            const auto partial = static_cast<uint8_t>(gz[start.in - 1]);
            s.read_in = partial >> (8 - start.bits);
            s.read_in_length = start.bits;
        }
        if (!start.window.empty() &&
            isal_inflate_set_dict(
                &s, reinterpret_cast<uint8_t*>(const_cast<char*>(start.window.data())),
                uint32_t(start.window.size())) != COMP_OK) {
            corrupt("ISA-L refused an access point's window");
        }
        s.crc = start.crc;
        s.total_out = start.isize;
        s.next_in = nullptr;
        s.avail_in = 0;
    }

    size_t inflate(char* dst, size_t n) override {
        if (finished_)
            return 0;
        inflate_state& s = *state_;
        if (s.avail_in == 0 && fed_ < limit_) {
            const uint64_t chunk = std::min(limit_ - fed_, kIsalChunk);
            s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(gz_.data() + fed_));
            s.avail_in = uint32_t(chunk);
            fed_ += chunk;
        }
        const bool inputLeft = s.avail_in > 0 || fed_ < limit_;
        const uint32_t availBefore = s.avail_in;
        const uint32_t outChunk = uint32_t(std::min<uint64_t>(n, kIsalChunk));
        s.next_out = reinterpret_cast<uint8_t*>(dst);
        s.avail_out = outChunk;
        const int rc = isal_inflate(&s);
        if (rc != ISAL_DECOMP_OK)
            corrupt(at::isalErrorText(rc));
        const size_t made = outChunk - s.avail_out;
        if (s.block_state == ISAL_BLOCK_FINISH) {
            finished_ = true;
            end_ = uint64_t(s.next_in - reinterpret_cast<const uint8_t*>(gz_.data()));
        } else if (made == 0 && !inputLeft) {
            corrupt("the data ends inside a member");
        } else if (made == 0 && s.avail_in == availBefore) {
            corrupt("ISA-L makes no progress");
        }
        return made;
    }

    bool finished() const override { return finished_; }
    uint64_t trailerEnd() const override { return end_; }
    const char* name() const override { return "isa-l"; }

  private:
    std::unique_ptr<inflate_state> state_;  // large (~90 KiB): off the stack
    std::string_view gz_;
    uint64_t limit_ = 0;
    uint64_t fed_ = 0;  // input handed to ISA-L so far
    uint64_t end_ = 0;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<DeflateCursor> makeIsalCursor() {
    return std::make_unique<IsalCursor>();
}

}  // namespace atfs::read

#else

namespace atfs::read {
std::unique_ptr<DeflateCursor> makeIsalCursor() {
    return nullptr;
}
}  // namespace atfs::read

#endif
