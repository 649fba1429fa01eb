#include "service/OpenSnapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "service/ApiError.h"

namespace atd {

namespace {

bool readFully(int fd, char* out, size_t n, uint64_t offset) {
    while (n > 0) {
        const ssize_t got = ::pread(fd, out, n, off_t(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        out += got;
        n -= size_t(got);
        offset += uint64_t(got);
    }
    return true;
}

}  // namespace

OpenSnapshot::OpenSnapshot(const Store& store, const Snapshot& snapshot) {
    uint64_t offset = 0;
    try {
        for (const auto& seg : snapshot.segments) {
            if (seg.length == 0)
                continue;
            const auto path = store.pathOf(seg);
            const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw ApiError(500, "cannot open stored segment " + seg.file + ": " +
                                        std::strerror(errno) +
                                        " (the data folder was changed behind atd's back)");
            }
            parts_.push_back({fd, offset, seg.length});
            struct stat st {};
            if (::fstat(fd, &st) != 0 || uint64_t(st.st_size) < seg.length) {
                throw ApiError(500, "stored segment " + seg.file + " is shorter than the " +
                                        std::to_string(seg.length) +
                                        " bytes pinned (the data folder was changed behind "
                                        "atd's back)");
            }
            offset += seg.length;
        }
        size_ = offset;
    } catch (...) {
        closeAll();  // no destructor runs for a constructor that throws
        throw;
    }
}

OpenSnapshot::~OpenSnapshot() {
    closeAll();
}

void OpenSnapshot::closeAll() {
    for (const auto& p : parts_)
        ::close(p.fd);
    parts_.clear();
}

ssize_t OpenSnapshot::readAt(uint64_t offset, char* out, size_t max) const {
    if (offset >= size_)
        return -1;
    const size_t want = size_t(std::min<uint64_t>(max, size_ - offset));
    size_t filled = 0;
    for (const auto& p : parts_) {
        if (filled == want)
            break;
        const uint64_t at = offset + filled;
        if (at >= p.start + p.length)
            continue;
        const uint64_t within = at - p.start;
        const size_t n = size_t(std::min<uint64_t>(want - filled, p.length - within));
        if (!readFully(p.fd, out + filled, n, within))
            return -1;
        filled += n;
    }
    return filled == want ? ssize_t(filled) : -1;
}

}  // namespace atd
