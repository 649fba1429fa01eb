// GET /v3/events/download: streams a session's pinned segments straight from the files.
// Range is handled here (ByteRange): the HTTP layer never slices a reply itself.
#include "http/Router.h"

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

void download(ServiceContext& ctx, const http::Request& req, http::Response& res) {
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
    res.set_content_provider(range.length(), "application/octet-stream",
                             [files, base](uint64_t offset, char* out, size_t max) {
                                 return files->readAt(base + offset, out, max);
                             });
}

}  // namespace

void addDownloadRoute(http::Router& server, ServiceContext& ctx) {
    server.Get("/v3/events/download",
               [&ctx](const http::Request& req, http::Response& res) { download(ctx, req, res); });
}

}  // namespace atd
