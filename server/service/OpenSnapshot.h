// A session's pinned segments, opened for the download route.
//
// Why pread and not sendfile(2) or mmap: a download gathers many segment files into one
// reply (MHD's sendfile path takes a single descriptor, and TLS may sit between); sending
// straight from read-only mappings was measured 1.7x slower than pread on the development VM
// (perf: the time goes to tcp_sendmsg copying from the mapping), and a sendfile(2) server fed
// the same bytes measures no faster than this (bench/mount-bench #6). The bytes are read
// straight into the HTTP server's send buffer, when the socket has room for them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/Store.h"

namespace atd {

class OpenSnapshot {
  public:
    // Opens every non-empty segment before the reply starts: a session deleted or a file
    // unlinked mid-download keeps its bytes readable through the descriptors. Throws
    // ApiError(500) when a stored file is missing or shorter than its pinned length, so the
    // client gets an error, not a reply cut short after its headers.
    OpenSnapshot(const Store& store, const Snapshot& snapshot);
    ~OpenSnapshot();
    OpenSnapshot(const OpenSnapshot&) = delete;
    OpenSnapshot& operator=(const OpenSnapshot&) = delete;

    // Reads up to `max` bytes at `offset` into `out`, gathered across segments so small hourly
    // segments still go out in large sends. Returns the count, or -1 at a short or unreadable
    // file, which aborts the reply rather than truncating it silently.
    ssize_t readAt(uint64_t offset, char* out, size_t max) const;
    uint64_t size() const { return size_; }

  private:
    struct Part {
        int fd;
        uint64_t start;  // offset of its first byte in the download
        uint64_t length;
    };
    void closeAll();

    std::vector<Part> parts_;
    uint64_t size_ = 0;
};

}  // namespace atd
