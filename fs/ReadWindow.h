// The most recent bytes a stream handed out, so small backward seeks (kernel readahead
// arriving out of order, `less` paging back, tail's probing) are served from memory
// instead of restarting the download. A ring buffer ending at the stream position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atfs {

class ReadWindow {
  public:
    void reserve(size_t capacity) { buf_.assign(capacity, 0), head_ = 0, len_ = 0; }
    size_t capacity() const { return buf_.size(); }
    size_t size() const { return len_; }
    void clear() { head_ = 0, len_ = 0; }
    void append(const char* data, size_t n);
    // Copies `n` bytes starting `back` bytes before the end (n <= back <= size()).
    void copyOut(size_t back, char* dst, size_t n) const;

  private:
    std::vector<char> buf_;
    size_t head_ = 0;  // where the next byte goes
    size_t len_ = 0;
};

}  // namespace atfs
