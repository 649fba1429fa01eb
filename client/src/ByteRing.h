// A bounded single-producer/single-consumer byte ring between the transfer thread and the
// reader. Full ring → the producer blocks in libcurl's write callback, so TCP flow control
// pushes back on the service: memory stays bounded whatever the download's size.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <span>

namespace at {

class ByteRing {
  public:
    explicit ByteRing(size_t capacity);

    // Producer: copies all of data in, blocking while full. False when the reader cancelled.
    bool write(const char* data, size_t n);
    // Producer, without a copy: the next contiguous free region, blocking while the ring is
    // full; empty when the reader cancelled. Fill a prefix of it, then commit() that much.
    std::span<char> writable();
    void commit(size_t n);
    // Producer: no more data; `error` (if any) is rethrown to the reader after the bytes.
    void finish(std::exception_ptr error = nullptr);
    // Producer: sleeps up to `delay` unless cancelled first; false when cancelled.
    bool sleepUnlessCancelled(std::chrono::milliseconds delay);

    // Consumer: the next contiguous readable bytes, blocking until some arrive; an empty
    // span at a clean end; rethrows the producer's error. Valid until consume().
    std::span<const char> peek();
    void consume(size_t n);
    // Consumer: copies out up to n bytes (peek + consume), short only at the end.
    size_t read(char* dst, size_t n);
    // Consumer: gone; wakes and stops the producer, and any peek() (which returns empty).
    void cancel();

    size_t capacity() const { return capacity_; }

  private:
    std::unique_ptr<char[]> buffer_;
    const size_t capacity_;
    std::mutex mutex_;
    std::condition_variable readable_;
    std::condition_variable writable_;
    size_t head_ = 0;  // first unread byte
    size_t size_ = 0;  // unread bytes
    bool finished_ = false;
    bool cancelled_ = false;
    std::exception_ptr error_;
};

}  // namespace at
