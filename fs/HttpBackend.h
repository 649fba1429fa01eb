// The real Backend: libatclient over HTTP.
#pragma once

#include <memory>

#include "Backend.h"

namespace atfs {

class HttpBackend : public Backend {
  public:
    explicit HttpBackend(std::shared_ptr<at::Client> client) : client_(std::move(client)) {}

    at::SpaceList spaces() override { return client_->spaces(); }
    std::vector<at::DayStatus> status(const at::Domain& domain, std::optional<at::Date> start,
                                      std::optional<at::Date> end) override {
        return client_->status(domain, start, end, true);
    }
    at::Session createSession(const at::Domain& domain, const at::SessionRequest& req) override {
        return client_->createSession(domain, req);
    }
    void deleteSession(const at::Domain& domain, const std::string& id) override {
        client_->deleteSession(domain, id);
    }
    std::vector<at::Session> listSessions(const at::Domain& domain) override {
        return client_->listSessions(domain);
    }
    std::unique_ptr<at::DownloadStream> download(const at::Domain& domain, const std::string& id,
                                                 at::DownloadMode mode,
                                                 uint64_t rawOffset) override {
        return client_->download(domain, id, mode, rawOffset);
    }
    std::unique_ptr<at::DownloadStream> downloadRange(const at::Domain& domain,
                                                      const std::string& id, uint64_t offset,
                                                      uint64_t length) override {
        return client_->downloadRange(domain, id, offset, length);
    }
    std::string endpoint() const override { return client_->options().endpoint; }

  private:
    std::shared_ptr<at::Client> client_;
};

}  // namespace atfs
