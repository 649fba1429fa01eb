// libatclient's gzip inflaters (zlib and ISA-L) over a download stream, fed the way
// DownloadStreams feeds them: input in network-sized pieces, output in reader-sized buffers.
// Contract: corrupt input is an at::ApiError, never another exception or a hang, and both
// inflaters agree whether to accept a stream, and on its bytes when they do.
#include <vector>

#include "FuzzCheck.h"
#include "Inflater.h"
#include "at/Error.h"

namespace {

struct Outcome {
    std::string out;
    bool failed = false;
    bool complete = false;  // ended on a member boundary
    std::string why;        // the ApiError's message when failed
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
    } catch (const at::ApiError& e) {
        o.failed = true;
        o.why = e.what();
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
    // A stream is accepted when it inflated without error to a member boundary. Corrupt data
    // may be noticed a buffer apart, or as a bad trailer by one and a cut trailer by the
    // other; the verdict may not differ, nor what an accepted stream inflates to.
    const bool zlibAccepts = !z.failed && z.complete;
    const bool isalAccepts = !i.failed && i.complete;
    // ISA-L ignores the reserved bits of a gzip header's FLG byte, which zlib (and RFC 1952)
    // reject. They mean nothing, so the data inflates the same; the one tolerated difference.
    if (isalAccepts && !zlibAccepts && z.why.find("unknown header flags set") != std::string::npos)
        return 0;
    fuzz::require(zlibAccepts == isalAccepts, "zlib and ISA-L disagree whether to accept a stream",
                  zlibAccepts ? "zlib accepts it" : "isa-l accepts it");
    if (zlibAccepts)
        fuzz::require(z.out == i.out, "zlib and ISA-L inflate to different bytes");
    return 0;
}
