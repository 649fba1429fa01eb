#include "ByteRing.h"

#include <algorithm>
#include <cstring>

namespace at {

ByteRing::ByteRing(size_t capacity) : buffer_(new char[capacity]), capacity_(capacity) {}

bool ByteRing::write(const char* data, size_t n) {
    while (n > 0) {
        size_t tail = 0;
        size_t room = 0;
        {
            std::unique_lock lock(mutex_);
            writable_.wait(lock, [&] { return cancelled_ || size_ < capacity_; });
            if (cancelled_)
                return false;
            tail = (head_ + size_) % capacity_;
            room = std::min(capacity_ - size_, capacity_ - tail);
        }
        // The free region is the producer's alone: copy outside the lock.
        const size_t k = std::min(room, n);
        std::memcpy(buffer_.get() + tail, data, k);
        {
            std::lock_guard lock(mutex_);
            size_ += k;
        }
        readable_.notify_one();
        data += k;
        n -= k;
    }
    return true;
}

std::span<char> ByteRing::writable() {
    std::unique_lock lock(mutex_);
    writable_.wait(lock, [&] { return cancelled_ || size_ < capacity_; });
    if (cancelled_)
        return {};
    // The free region is the producer's alone until commit(): it is filled outside the lock.
    const size_t tail = (head_ + size_) % capacity_;
    return {buffer_.get() + tail, std::min(capacity_ - size_, capacity_ - tail)};
}

void ByteRing::commit(size_t n) {
    if (n == 0)
        return;
    {
        std::lock_guard lock(mutex_);
        size_ += std::min(n, capacity_ - size_);
    }
    readable_.notify_one();
}

void ByteRing::finish(std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
        error_ = std::move(error);
    }
    readable_.notify_all();
}

bool ByteRing::sleepUnlessCancelled(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    return !writable_.wait_for(lock, delay, [&] { return cancelled_; });
}

std::span<const char> ByteRing::peek() {
    std::unique_lock lock(mutex_);
    readable_.wait(lock, [&] { return size_ > 0 || finished_ || cancelled_; });
    if (size_ == 0) {
        if (cancelled_)
            return {};  // the consumer side is shutting down: stop waiting for bytes
        if (error_)
            std::rethrow_exception(error_);
        return {};
    }
    return {buffer_.get() + head_, std::min(size_, capacity_ - head_)};
}

void ByteRing::consume(size_t n) {
    {
        std::lock_guard lock(mutex_);
        n = std::min(n, size_);
        head_ = (head_ + n) % capacity_;
        size_ -= n;
    }
    writable_.notify_one();
}

size_t ByteRing::read(char* dst, size_t n) {
    size_t out = 0;
    while (out < n) {
        const std::span<const char> ready = peek();
        if (ready.empty())
            break;
        const size_t k = std::min(ready.size(), n - out);
        std::memcpy(dst + out, ready.data(), k);
        consume(k);
        out += k;
    }
    return out;
}

void ByteRing::cancel() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    writable_.notify_all();
    readable_.notify_all();  // a consumer thread blocked in peek() is being stopped too
}

}  // namespace at
