// A file that includes today, followed as it grows: a read at or past the end of what the
// open file has seen asks the day index for what came after it, and reads those bytes
// through hour sessions of the hours that grew, skipping what was already returned. So
// `tail -f`, `tail -F` and `less +F` see new events without reopening the file.
//
// The file is a chain of parts: the FileStream of the plan made at open, then one per
// growth, each starting at the end of the one before. A part's stream begins at the start
// of the first hour that grew (`origin`), which may lie before the part's first byte.
// Growth is assumed to append (events of the current hour, in eventTime order); late events
// merged into an earlier hour shift bytes the reader has already seen, which no tail can follow.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "FileStream.h"

namespace atfs {

class LiveFile {
  public:
    using IndexSource = std::function<std::shared_ptr<const DayIndex>()>;

    LiveFile(StreamContext& ctx, at::Domain domain, std::string file, HourSpan span, Format format,
             std::vector<Segment> plan, IndexSource index);
    ~LiveFile();

    ssize_t read(uint64_t offset, char* buf, size_t n, const FileStream::Cancelled& cancelled);
    void close();
    // The file's new length, once it differs from what the kernel was last told.
    std::optional<uint64_t> takeSizeChange();

    // Parts kept before they are folded into one (each costs a closed FileStream).
    static constexpr size_t kMaxParts = 64;

  private:
    struct Part {
        std::unique_ptr<FileStream> stream;
        uint64_t origin = 0;  // file offset of the stream's first byte
        uint64_t start = 0;   // first file offset this part serves
        uint64_t length = 0;  // the stream's length, as far as known
        uint64_t end() const { return origin + length; }
    };
    // A part for the bytes after `end`, if the index shows the file grew past it.
    bool follow(uint64_t end);
    void noteLength(Part& part);

    StreamContext& ctx_;
    const at::Domain domain_;
    const std::string file_;
    const HourSpan span_;
    const Format format_;
    const IndexSource index_;
    std::mutex mu_;
    std::vector<Part> parts_;
    std::optional<uint64_t> sizeChange_;
};

// Where the file's bytes after `end` come from, per the index: the hour sessions from the
// first hour that reaches past `end` on, and the file offset where that hour starts.
// Nothing when the file is no longer than `end`. Pure, for tests.
struct Growth {
    std::vector<Segment> plan;
    uint64_t origin = 0;
};
std::optional<Growth> growthAfter(const DayIndex& index, HourSpan span, Format format,
                                  uint64_t end);

}  // namespace atfs
