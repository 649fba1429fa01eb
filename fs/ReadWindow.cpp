#include "ReadWindow.h"

#include <algorithm>
#include <cstring>

namespace atfs {

void ReadWindow::append(const char* data, size_t n) {
    const size_t cap = cap_;
    if (cap == 0)
        return;
    if (n >= cap) {
        std::memcpy(buf_.get(), data + (n - cap), cap);
        head_ = 0;
        len_ = cap;
        return;
    }
    const size_t first = std::min(n, cap - head_);
    std::memcpy(buf_.get() + head_, data, first);
    std::memcpy(buf_.get(), data + first, n - first);
    head_ = (head_ + n) % cap;
    len_ = std::min(cap, len_ + n);
}

void ReadWindow::copyOut(size_t back, char* dst, size_t n) const {
    const size_t cap = cap_;
    size_t at = (head_ + cap - back) % cap;
    const size_t first = std::min(n, cap - at);
    std::memcpy(dst, buf_.get() + at, first);
    std::memcpy(dst + first, buf_.get(), n - first);
}

}  // namespace atfs
