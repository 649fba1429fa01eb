#include "ObservedBackend.h"

#include <chrono>

#include "Log.h"

namespace atfs {

namespace {

using Clock = std::chrono::steady_clock;

// Times the first byte of a download; passes everything else through.
class FirstByteTimer : public at::DownloadStream {
  public:
    FirstByteTimer(std::unique_ptr<at::DownloadStream> inner, Clock::time_point requested,
                   Histogram& histogram)
        : inner_(std::move(inner)), requested_(requested), histogram_(histogram) {}

    size_t read(char* buf, size_t n) override {
        const size_t got = inner_->read(buf, n);
        if (got > 0 && !seen_) {
            seen_ = true;
            histogram_.observe(std::chrono::duration<double>(Clock::now() - requested_).count());
        }
        return got;
    }
    uint64_t position() const override { return inner_->position(); }
    uint64_t gzipReceived() const override { return inner_->gzipReceived(); }
    uint64_t gzipTotal() const override { return inner_->gzipTotal(); }
    // From another thread (a reader that left): the inner stream is set once, at construction.
    void cancel() override { inner_->cancel(); }

  private:
    std::unique_ptr<at::DownloadStream> inner_;
    Clock::time_point requested_;
    Histogram& histogram_;
    bool seen_ = false;
};

std::string describe(const at::SessionRequest& r) {
    std::string span = (r.start ? r.start->str() : "?") + ".." + (r.end ? r.end->str() : "?");
    if (r.hour)
        span += " hour " + std::to_string(*r.hour);
    return span;
}

}  // namespace

at::Session ObservedBackend::createSession(const at::Domain& domain,
                                           const at::SessionRequest& req) {
    at::Session s = inner_.createSession(domain, req);
    if (debugLogged())
        logDebug("created session " + s.id + " in domain " + domainKey(domain) + " for " +
                 describe(req) + " (" + std::to_string(s.size) + " bytes)");
    return s;
}

void ObservedBackend::deleteSession(const at::Domain& domain, const std::string& id) {
    inner_.deleteSession(domain, id);
    logDebug("deleted session " + id + " in domain " + domainKey(domain));
}

std::unique_ptr<at::DownloadStream> ObservedBackend::download(const at::Domain& domain,
                                                              const std::string& id,
                                                              at::DownloadMode mode,
                                                              uint64_t rawOffset) {
    const auto requested = Clock::now();
    return std::make_unique<FirstByteTimer>(inner_.download(domain, id, mode, rawOffset), requested,
                                            stats_.firstByteSeconds);
}

std::unique_ptr<at::DownloadStream> ObservedBackend::downloadRange(const at::Domain& domain,
                                                                   const std::string& id,
                                                                   uint64_t offset,
                                                                   uint64_t length) {
    const auto requested = Clock::now();
    if (debugLogged())
        logDebug("range download of bytes " + std::to_string(offset) + "-" +
                 std::to_string(offset + length - 1) + " of session " + id);
    return std::make_unique<FirstByteTimer>(inner_.downloadRange(domain, id, offset, length),
                                            requested, stats_.firstByteSeconds);
}

}  // namespace atfs
