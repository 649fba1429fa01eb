#include "LineBatcher.h"

#include <regex>

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

std::string lineNumberInInput(const std::string& serviceMessage, uint64_t batchFirstLine) {
    // At the start, or after the error code ("bad_request: line 3: ...").
    static const std::regex lineRef(R"((^|: )line (\d+):)");
    std::smatch m;
    if (batchFirstLine <= 1 || !std::regex_search(serviceMessage, m, lineRef)) {
        return serviceMessage;
    }
    uint64_t line = std::stoull(m[2].str()) + batchFirstLine - 1;
    return m.prefix().str() + m[1].str() + "line " + std::to_string(line) + ":" + m.suffix().str();
}

}  // namespace atctl
