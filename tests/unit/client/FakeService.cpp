#include "FakeService.h"

#include <stdexcept>

namespace at::test {

FakeService::FakeService() {
    server_.set_keep_alive_max_count(1000);  // httplib closes after 5 requests by default
    server_.Post("/UAALoginServerWAR/oauth/token", [this](const httplib::Request& req,
                                                          httplib::Response& res) {
        if (req.get_header_value("Authorization") != "Basic Y2Y6" ||
            req.body.find("password=") == std::string::npos ||
            req.body.find("password=bad-key") != std::string::npos) {
            replyError(res, 401, "unauthorized", "bad client or key");
            return;
        }
        const int n = ++tokenCalls_;
        std::string expiresIn;
        {
            std::lock_guard lock(mutex_);
            expiresIn = expiresInJson_.empty() ? std::to_string(tokenTtl_.load()) : expiresInJson_;
        }
        replyJson(res, 200,
                  "{\"access_token\":\"token-" + std::to_string(n) +
                      "\",\"token_type\":\"bearer\",\"expires_in\":" + expiresIn +
                      ",\"scope\":\"\",\"jti\":\"x\"}");
    });
}

FakeService::~FakeService() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    released_.notify_all();
    server_.stop();
    if (thread_.joinable())
        thread_.join();
}

void FakeService::start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0)
        throw std::runtime_error("fake service: cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs: wait for it so the destructor can't hang.
    while (!server_.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ClientOptions FakeService::options() const {
    ClientOptions o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    o.apiKey = "fake-key";
    o.connectTimeoutMs = 2000;
    o.stallTimeoutMs = 5000;
    o.maxAttempts = 4;
    o.maxRetryTimeMs = 10000;
    o.backoffBaseMs = 10;
    return o;
}

std::string FakeService::tokenOf(const httplib::Request& req) {
    std::string value = req.get_header_value("X-Auth-Token");
    if (value.rfind("bearer ", 0) == 0)
        value = value.substr(7);
    return value;
}

void FakeService::waitUntilReleased(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    released_.wait_for(lock, limit, [&] { return stopping_; });
}

void FakeService::replyJson(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}

void FakeService::replyError(httplib::Response& res, int status, const std::string& code,
                             const std::string& message) {
    replyJson(res, status,
              "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
}

}  // namespace at::test
