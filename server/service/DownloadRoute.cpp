// GET /v3/events/download: streams a session's pinned segments straight from the files.
// Range is handled here, not by httplib: 0.11.4 neither answers 416 for a start past the end
// nor keeps the status we set consistent with its own slicing (AtdServer clears req.ranges).
#include <httplib.h>

#include <memory>

#include "at/SafeText.h"
#include "service/ApiError.h"
#include "service/ByteRange.h"
#include "service/OpenSnapshot.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"

namespace atd {

namespace {

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
        throw ApiError(404, "session " + at::printable(id) + " does not exist for user " +
                                user.name + " (deleted, idle-expired, or another user's)");
    }
    // Held until the files are open; from then on the descriptors keep the bytes readable.
    SnapshotHold hold(ctx.store, session->snapshot);
    const uint64_t total = session->snapshot.gzipSize;
    auto decision = decideRange(req.get_header_value("Range"), total);
    if (decision.kind == RangeKind::Unsatisfiable) {
        res.set_header("Content-Range", "bytes */" + std::to_string(total));
        throw ApiError(416, "Range " + at::printable(req.get_header_value("Range")) +
                                " starts at or past the end of session " + at::printable(id) +
                                " (" + std::to_string(total) + " bytes)");
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
                                 return files->writeSome(base + offset, length, sink);
                             });
}

}  // namespace

void addDownloadRoute(httplib::Server& server, ServiceContext& ctx) {
    server.Get("/v3/events/download", [&ctx](const httplib::Request& req, httplib::Response& res) {
        download(ctx, req, res);
    });
}

}  // namespace atd
