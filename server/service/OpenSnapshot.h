// A session's pinned segments, opened for the download route.
//
// Why pread into a buffer and not sendfile(2) or mmap: cpp-httplib 0.11.4 gives a content
// provider a DataSink, never the socket (and TLS may sit between), so sendfile is out of
// reach; sending straight from read-only mappings was measured 1.7x slower than pread on the
// development VM (perf: the time goes to tcp_sendmsg copying from the mapping), and a
// sendfile(2) server fed the same bytes measures no faster than this (bench/mount-bench #6).
#pragma once

#include <httplib.h>

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

    // Writes up to 1 MiB from `offset` (at most `length`), gathered across segments so small
    // hourly segments still go out in large sends. False on a closed connection or a short
    // file, which aborts the reply rather than truncating it silently.
    bool writeSome(uint64_t offset, uint64_t length, httplib::DataSink& sink);

  private:
    struct Part {
        int fd;
        uint64_t start;  // offset of its first byte in the download
        uint64_t length;
    };
    void closeAll();

    std::vector<Part> parts_;
    std::vector<char> buffer_;
};

}  // namespace atd
