// The most recent bytes a stream handed out, so small backward seeks (kernel readahead
// arriving out of order, `less` paging back, tail's probing) are served from memory
// instead of restarting the download. A ring buffer ending at the stream position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace atfs {

class ReadWindow {
  public:
    // Not zeroed: pages never written are never resident (a page-cached file's window only
    // ever holds the rare bytes skipped over).
    void reserve(size_t capacity) {
        buf_.reset(capacity ? new char[capacity] : nullptr), cap_ = capacity, head_ = 0, len_ = 0;
    }
    size_t capacity() const { return cap_; }
    size_t size() const { return len_; }
    void clear() { head_ = 0, len_ = 0; }
    void append(const char* data, size_t n);
    // Copies `n` bytes starting `back` bytes before the end (n <= back <= size()).
    void copyOut(size_t back, char* dst, size_t n) const;

  private:
    std::unique_ptr<char[]> buf_;
    size_t cap_ = 0;
    size_t head_ = 0;  // where the next byte goes
    size_t len_ = 0;
};

}  // namespace atfs
