#include "LineBatcher.h"

namespace atctl {

LineBatcher::LineBatcher(std::istream& in, size_t maxBytes) : in_(in), maxBytes_(maxBytes) {}

std::optional<LineBatch> LineBatcher::next() {
    LineBatch batch;
    batch.firstLine = nextLine_;
    std::string line;
    for (;;) {
        if (pending_) {
            line = std::move(*pending_);
            pending_.reset();
        } else if (std::getline(in_, line)) {
            line += '\n';
        } else {
            break;
        }
        if (batch.lineCount > 0 && batch.text.size() + line.size() > maxBytes_) {
            pending_ = std::move(line);
            break;
        }
        batch.text += line;
        ++batch.lineCount;
        ++nextLine_;
    }
    if (batch.lineCount == 0) {
        return std::nullopt;
    }
    return batch;
}

}  // namespace atctl
