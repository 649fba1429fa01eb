// What atfs needs from the Activity Tracker service. The FUSE core only talks to this
// interface, so it is unit-tested over MemoryBackend (a test double, in tests/unit/fs);
// HttpBackend is the real one.
// Every call throws at::ApiError on failure (ErrnoMap turns it into an errno).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "at/Client.h"
#include "at/Types.h"

namespace atfs {

class Backend {
  public:
    virtual ~Backend() = default;

    virtual at::SpaceList spaces() = 0;
    // Days with events, each with its non-empty hours (hours=true). Bounds optional.
    virtual std::vector<at::DayStatus> status(const at::Domain& domain,
                                              std::optional<at::Date> start,
                                              std::optional<at::Date> end) = 0;
    virtual at::Session createSession(const at::Domain& domain,
                                      const at::SessionRequest& request) = 0;
    virtual void deleteSession(const at::Domain& domain, const std::string& id) = 0;
    // The caller's sessions in every space.
    virtual std::vector<at::Session> listSessions(const at::Domain& domain) = 0;
    virtual std::unique_ptr<at::DownloadStream> download(const at::Domain& domain,
                                                         const std::string& sessionId,
                                                         at::DownloadMode mode,
                                                         uint64_t rawOffset) = 0;
    // The raw gzip bytes [offset, offset + length) of the session's download (one Range
    // request, resumed inside the range on drops; see at::Client::downloadRange): what the
    // read engine fetches one hour piece with. read() returns exactly length bytes, then 0.
    // Throws Integrity when the service does not answer with exactly that range, BadRequest
    // for length 0 or an offset at or past the end.
    virtual std::unique_ptr<at::DownloadStream> downloadRange(const at::Domain& domain,
                                                              const std::string& sessionId,
                                                              uint64_t offset, uint64_t length) = 0;
    // Where this backend talks to, for status.json.
    virtual std::string endpoint() const = 0;
};

// A stable key for a domain: "account" or the space GUID.
inline std::string domainKey(const at::Domain& d) {
    return d.accountLevel ? "account" : d.projectId;
}

}  // namespace atfs
