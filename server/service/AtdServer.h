// atd's HTTP(S) server: builds the store, users, tokens and sessions from the options, wires
// the routes, logging and error replies, and runs until stop().
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace httplib {
class Server;
}

namespace atd {

struct ServeOptions {
    std::filesystem::path dataDir;
    std::string host = "127.0.0.1";
    int port = 0;                     // 0: any free port
    std::filesystem::path usersFile;  // empty: dataDir/users.json
    std::filesystem::path tlsCert;
    std::filesystem::path tlsKey;
    std::chrono::seconds tokenTtl{3600};
    std::chrono::seconds sessionIdleTimeout{0};  // 0: sessions live until deleted
    // Worker threads: each streaming download holds one, so this bounds concurrent downloads.
    int threads = 64;
    bool quiet = false;
    // `--demo-live RATE`: keep ingesting demo events at RATE per second (0: off).
    double demoLiveRate = 0;
};

class AtdServer {
  public:
    // Throws std::runtime_error with one line for a person (unreadable users file, bad TLS
    // files, port in use...).
    explicit AtdServer(ServeOptions options);
    ~AtdServer();

    // Binds the listening socket; returns the port (the real one when options.port was 0).
    int bind();
    // Serves until stop(); returns false if the server failed.
    bool run();
    // Safe from any thread.
    void stop();
    bool running() const;  // run() has entered its accept loop

    std::string url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atd
