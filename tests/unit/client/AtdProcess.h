// atd and fault_proxy.py as test fixtures: started on port 0, stopped at scope exit.
// Only for tests built when the atd target exists (ATD_BIN).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ChildProcess.h"
#include "at/Client.h"

namespace at::test {

inline const char* kDemoKey = "demo-apikey-0123456789abcdef";
inline const char* kAuditorKey = "demo-apikey-0123456789abcdef-auditor";

// A demo data folder and `atd serve` on it, both gone at scope exit.
class Atd {
  public:
    explicit Atd(std::vector<std::string> serveArgs = {}) {
        const int rc =
            test::runToCompletion({ATD_BIN, "demo", "--data", dir_.path(), "--spaces", "2",
                                   "--days", "3", "--events-per-day", "2500", "--seed", "7"});
        if (rc != 0)
            throw std::runtime_error("atd demo failed: " + std::to_string(rc));
        std::vector<std::string> argv = {ATD_BIN,    "serve",       "--data", dir_.path(),
                                         "--listen", "127.0.0.1:0", "--quiet"};
        argv.insert(argv.end(), serveArgs.begin(), serveArgs.end());
        process_ = std::make_unique<ChildProcess>(argv);
        endpoint_ = process_->waitForLine("atd listening on ");
    }
    const std::string& endpoint() const { return endpoint_; }
    std::string hostPort() const { return endpoint_.substr(endpoint_.find("//") + 2); }

    ClientOptions options(const std::string& key = kDemoKey) const {
        ClientOptions o;
        o.endpoint = endpoint_;
        o.apiKey = key;
        o.backoffBaseMs = 20;
        return o;
    }

  private:
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    std::string endpoint_;
};

// fault_proxy.py in front of `target` with the given fault flags.
class FaultProxy {
  public:
    FaultProxy(const std::string& targetHostPort, std::vector<std::string> faults) {
        std::vector<std::string> argv = {"python3",     FAULT_PROXY, "--listen",
                                         "127.0.0.1:0", "--target",  targetHostPort};
        argv.insert(argv.end(), faults.begin(), faults.end());
        process_ = std::make_unique<ChildProcess>(argv);
        endpoint_ = "http://" + process_->waitForLine("fault_proxy listening on ");
    }
    const std::string& endpoint() const { return endpoint_; }

  private:
    std::unique_ptr<ChildProcess> process_;
    std::string endpoint_;
};

}  // namespace at::test
