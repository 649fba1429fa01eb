// libatclient's gzip inflaters (zlib and ISA-L) over a download stream, fed the way
// DownloadStreams feeds them: input in network-sized pieces, output in reader-sized buffers.
// Contract: corrupt input is an at::ApiError, never another exception or a hang, and both
// inflaters agree: the same bytes out, the same verdict, the same member boundary.
#include <vector>

#include "FuzzCheck.h"
#include "Inflater.h"
#include "at/Error.h"

namespace {

struct Outcome {
    std::string out;
    bool failed = false;
    bool complete = false;  // ended on a member boundary
};

constexpr size_t kMaxOutput = 8 << 20;  // a bomb is cut here; both inflaters see the same cut

Outcome run(at::Inflater& inflater, std::string_view in, size_t inPiece, size_t outPiece) {
    Outcome o;
    std::vector<char> buf(outPiece);
    size_t fed = 0;
    try {
        while (o.out.size() < kMaxOutput) {
            const size_t avail = std::min(inPiece, in.size() - fed);
            const at::Inflater::Step step =
                inflater.inflate(in.data() + fed, avail, buf.data(), buf.size());
            fuzz::require(step.consumed <= avail && step.produced <= buf.size(),
                          "an inflater step claims more than it was given");
            fed += step.consumed;
            o.out.append(buf.data(), step.produced);
            if (step.consumed == 0 && step.produced == 0) {
                // DownloadStreams calls this "no progress" and gives up; at the end of the
                // input it is the normal end.
                o.complete = fed == in.size() && inflater.atMemberBoundary();
                o.failed = fed != in.size();
                break;
            }
        }
    } catch (const at::ApiError&) {
        o.failed = true;
    }
    if (o.out.size() > kMaxOutput)
        o.out.resize(kMaxOutput);
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2)
        return 0;
    const size_t inPiece = data[0] == 0 ? size : data[0];
    const size_t outPiece = 1 + size_t(data[1]) * 64;
    const std::string_view in = fuzz::text(data + 2, size - 2);

    const auto zlib = at::makeZlibInflater();
    const Outcome z = run(*zlib, in, inPiece, outPiece);
    const auto isal = at::makeIsalInflater();
    if (!isal)
        return 0;
    const Outcome i = run(*isal, in, inPiece, outPiece);
    if (z.out.size() >= kMaxOutput && i.out.size() >= kMaxOutput) {
        fuzz::require(z.out == i.out, "zlib and ISA-L inflate a large stream differently");
        return 0;
    }
    // Where corrupt data is noticed may differ by a buffer; the verdict may not.
    fuzz::require(z.failed == i.failed, "zlib and ISA-L disagree whether the data is corrupt",
                  z.failed ? "zlib failed" : "isa-l failed");
    if (!z.failed) {
        fuzz::require(z.out == i.out, "zlib and ISA-L inflate to different bytes");
        fuzz::require(z.complete == i.complete, "zlib and ISA-L disagree on a truncated stream");
    }
    return 0;
}
