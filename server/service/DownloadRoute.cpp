// GET /v3/events/download: streams a session's pinned segments straight from the files.
// Range is handled here, not by httplib: 0.11.4 neither answers 416 for a start past the end
// nor keeps the status we set consistent with its own slicing (AtdServer clears req.ranges).
#include <fcntl.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "service/ApiError.h"
#include "service/ByteRange.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"

namespace atd {

namespace {

// httplib 0.11.4 gives a content provider only a DataSink (no socket descriptor, and TLS
// may sit between), so sendfile(2) is out of reach without patching httplib: we pread
// large chunks instead, so each chunk is one pread per segment and few send() calls.
constexpr size_t kChunkBytes = 1024 * 1024;

// The snapshot's files, opened before the reply starts: a session deleted or a file
// unlinked mid-download keeps its bytes readable through these descriptors.
bool readFully(int fd, char* out, size_t n, uint64_t offset) {
    while (n > 0) {
        ssize_t got = ::pread(fd, out, n, off_t(offset));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        out += got;
        n -= size_t(got);
        offset += uint64_t(got);
    }
    return true;
}

class OpenSnapshot {
  public:
    OpenSnapshot(const Store& store, const Snapshot& snapshot) {
        uint64_t offset = 0;
        for (const auto& seg : snapshot.segments) {
            if (seg.length == 0) {
                continue;
            }
            auto path = store.pathOf(seg);
            int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw ApiError(500, "cannot open stored segment " + seg.file + ": " +
                                        std::strerror(errno) +
                                        " (the data folder was changed "
                                        "behind atd's back)");
            }
            parts_.push_back({fd, offset, seg.length});
            offset += seg.length;
        }
    }
    ~OpenSnapshot() {
        for (const auto& p : parts_) {
            ::close(p.fd);
        }
    }
    OpenSnapshot(const OpenSnapshot&) = delete;
    OpenSnapshot& operator=(const OpenSnapshot&) = delete;

    // Writes at most kChunkBytes from `offset` (limited to `length`), gathered across segment
    // boundaries so small hourly segments still go out in large writes. False on a short
    // file or a closed connection, which aborts the reply rather than truncating it silently.
    bool writeChunk(uint64_t offset, uint64_t length, httplib::DataSink& sink) {
        buffer_.resize(kChunkBytes);
        size_t want = size_t(std::min<uint64_t>(kChunkBytes, length));
        size_t filled = 0;
        for (const auto& p : parts_) {
            if (filled == want) {
                break;
            }
            uint64_t at = offset + filled;
            if (at >= p.start + p.length) {
                continue;
            }
            uint64_t within = at - p.start;
            size_t n = size_t(std::min<uint64_t>(want - filled, p.length - within));
            if (!readFully(p.fd, buffer_.data() + filled, n, within)) {
                return false;
            }
            filled += n;
        }
        return filled == want && sink.write(buffer_.data(), filled);
    }

  private:
    struct Part {
        int fd;
        uint64_t start;
        uint64_t length;
    };
    std::vector<Part> parts_;
    std::vector<char> buffer_;
};

// Releases a reference taken by SessionRegistry::touch, however the handler exits.
class SnapshotHold {
  public:
    SnapshotHold(Store& store, const Snapshot& snapshot) : store_(store), snapshot_(snapshot) {}
    ~SnapshotHold() { store_.release(snapshot_); }
    SnapshotHold(const SnapshotHold&) = delete;
    SnapshotHold& operator=(const SnapshotHold&) = delete;

  private:
    Store& store_;
    const Snapshot& snapshot_;
};

void download(ServiceContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const User& user = authenticate(ctx, req);
    grantedSpace(user, req);  // must be granted, yet need not be the session's space
    auto id = req.get_header_value("SESSIONID");
    if (id.empty()) {
        throw ApiError(400, "no SESSIONID header: send the id of a session from POST /v3/sessions");
    }
    auto session = ctx.sessions.touch(id, user.name, /*retainSnapshot=*/true);
    if (!session) {
        throw ApiError(404, "session " + id + " does not exist for user " + user.name +
                                " (deleted, idle-expired, or another user's)");
    }
    // Held until the files are open; from then on the descriptors keep the bytes readable.
    SnapshotHold hold(ctx.store, session->snapshot);
    const uint64_t total = session->snapshot.gzipSize;
    auto decision = decideRange(req.get_header_value("Range"), total);
    if (decision.kind == RangeKind::Unsatisfiable) {
        res.set_header("Content-Range", "bytes */" + std::to_string(total));
        throw ApiError(416, "Range " + req.get_header_value("Range") +
                                " starts at or past the end of session " + id + " (" +
                                std::to_string(total) + " bytes)");
    }
    res.set_header("Accept-Ranges", "bytes");
    if (total == 0) {
        res.status = 200;
        res.set_content("", "application/octet-stream");
        return;
    }
    ByteRange range{0, total - 1};
    res.status = 200;
    if (decision.kind == RangeKind::Partial) {
        range = decision.range;
        res.status = 206;
        res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                            std::to_string(range.last) + "/" +
                                            std::to_string(total));
    }
    auto files = std::make_shared<OpenSnapshot>(ctx.store, session->snapshot);
    const uint64_t base = range.first;
    res.set_content_provider(size_t(range.length()), "application/octet-stream",
                             [files, base](size_t offset, size_t length, httplib::DataSink& sink) {
                                 return files->writeChunk(base + offset, length, sink);
                             });
}

}  // namespace

void addDownloadRoute(httplib::Server& server, ServiceContext& ctx) {
    server.Get("/v3/events/download", [&ctx](const httplib::Request& req, httplib::Response& res) {
        download(ctx, req, res);
    });
}

}  // namespace atd
