// ISA-L (igzip) inflater: isal_inflate with ISAL_GZIP checks each member's header and
// trailer; after ISAL_BLOCK_FINISH the state is reset for the next member.
#include "Inflater.h"

#ifdef ATFS_HAVE_ISAL

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <string>

#include "at/Error.h"
#include "at/Gzip.h"

namespace at {
namespace {

class IsalInflater final : public Inflater {
  public:
    IsalInflater() : state_(std::make_unique<inflate_state>()) { resetMember(); }

    Step inflate(const char* in, size_t inLen, char* out, size_t outLen) override {
        Step step;
        // Runs once even without input: the inflater may still hold output (or an unread
        // trailer) from earlier input.
        do {
            const uint32_t inChunk = uint32_t(std::min<size_t>(inLen - step.consumed, 1u << 30));
            const uint32_t outChunk = uint32_t(std::min<size_t>(outLen - step.produced, 1u << 30));
            state_->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in + step.consumed));
            state_->avail_in = inChunk;
            state_->next_out = reinterpret_cast<uint8_t*>(out + step.produced);
            state_->avail_out = outChunk;
            const int rc = isal_inflate(state_.get());
            if (rc < 0 || rc == ISAL_NEED_DICT) {
                throw ApiError(ErrorKind::Integrity, "inflate", 0,
                               std::string("corrupt gzip data: ") + at::isalErrorText(rc));
            }
            const size_t used = inChunk - state_->avail_in;
            const size_t made = outChunk - state_->avail_out;
            step.consumed += used;
            step.produced += made;
            if (used > 0)
                inMember_ = true;
            if (state_->block_state == ISAL_BLOCK_FINISH) {
                resetMember();
                continue;
            }
            if (used == 0 && made == 0)
                break;
        } while (step.consumed < inLen && step.produced < outLen);
        return step;
    }

    bool atMemberBoundary() const override { return !inMember_; }
    const char* name() const override { return "isa-l"; }

  private:
    void resetMember() {
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;
        inMember_ = false;
    }

    std::unique_ptr<inflate_state> state_;  // large: keep it off the stack
    bool inMember_ = false;
};

}  // namespace

std::unique_ptr<Inflater> makeIsalInflater() {
    return std::make_unique<IsalInflater>();
}

}  // namespace at

#else

namespace at {
std::unique_ptr<Inflater> makeIsalInflater() {
    return nullptr;
}
}  // namespace at

#endif
