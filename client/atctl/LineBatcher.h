// Cuts a stream of JSON lines into ingest batches of at most maxBytes, at line boundaries,
// so `atctl trail` never holds more than one batch in memory.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace atctl {

struct LineBatch {
    std::string text;        // whole lines, each ending in '\n'
    uint64_t firstLine = 1;  // 1-based number of the batch's first line in the whole input
    uint64_t lineCount = 0;
};

class LineBatcher {
  public:
    LineBatcher(std::istream& in, size_t maxBytes);

    // The next batch, or nullopt at the end. A single line longer than maxBytes makes a
    // batch of its own (the service then says whether it takes it).
    std::optional<LineBatch> next();

  private:
    std::istream& in_;
    size_t maxBytes_;
    uint64_t nextLine_ = 1;
    std::optional<std::string> pending_;  // a line read that did not fit the last batch
};

// The service numbers lines within one batch ("line 3: ..."); the user wants the number in
// the whole input. Other messages come back unchanged.
std::string lineNumberInInput(const std::string& serviceMessage, uint64_t batchFirstLine);

}  // namespace atctl
