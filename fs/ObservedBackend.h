// A Backend around the real one that watches every call the filesystem makes: a debug log
// line per session created and deleted, and each download's time to first byte. Wrapping
// keeps both out of the session code (as gcsfuse wraps its filesystem for monitoring).
#pragma once

#include "Backend.h"
#include "Stats.h"

namespace atfs {

class ObservedBackend : public Backend {
  public:
    ObservedBackend(Backend& inner, Stats& stats) : inner_(inner), stats_(stats) {}

    at::SpaceList spaces() override { return inner_.spaces(); }
    std::vector<at::DayStatus> status(const at::Domain& domain, std::optional<at::Date> start,
                                      std::optional<at::Date> end) override {
        return inner_.status(domain, start, end);
    }
    at::Session createSession(const at::Domain& domain, const at::SessionRequest& req) override;
    void deleteSession(const at::Domain& domain, const std::string& id) override;
    std::vector<at::Session> listSessions(const at::Domain& domain) override {
        return inner_.listSessions(domain);
    }
    std::unique_ptr<at::DownloadStream> download(const at::Domain& domain, const std::string& id,
                                                 at::DownloadMode mode,
                                                 uint64_t rawOffset) override;
    std::unique_ptr<at::DownloadStream> downloadRange(const at::Domain& domain,
                                                      const std::string& id, uint64_t offset,
                                                      uint64_t length) override;
    std::string endpoint() const override { return inner_.endpoint(); }

  private:
    Backend& inner_;
    Stats& stats_;
};

}  // namespace atfs
