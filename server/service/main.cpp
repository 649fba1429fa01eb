// atd: the local Activity Tracker service. `atd serve` runs it, `atd demo` writes demo data.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "demo/Demo.h"
#include "service/AtdServer.h"

namespace {

constexpr int kExitUsage = 2;

bool parseListen(const std::string& text, atd::ServeOptions& options) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return false;
    }
    try {
        size_t used = 0;
        auto port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || port < 0 || port > 65535) {
            return false;
        }
        options.host = text.substr(0, colon);
        options.port = port;
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// SIGTERM/SIGINT are blocked in every thread and taken here, so a signal never interrupts a
// worker mid-reply; the server then stops accepting and run() returns.
int serve(atd::ServeOptions options) {
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client closing mid-download is not our death

    std::unique_ptr<atd::AtdServer> server;
    try {
        server = std::make_unique<atd::AtdServer>(options);
        server->bind();
    } catch (const std::exception& e) {
        std::cerr << "atd: " << e.what() << std::endl;
        return 1;
    }
    std::atomic<bool> done{false};
    std::thread signalWaiter([&] {
        timespec tick{0, 200'000'000};
        while (!done) {
            int sig = sigtimedwait(&stopSignals, nullptr, &tick);
            if (sig == SIGTERM || sig == SIGINT) {
                // httplib ignores stop() until run() is inside its accept loop, and a signal can
                // arrive right after "listening" is printed: wait for the loop, then stop it.
                while (!done && !server->running())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                server->stop();
                return;
            }
        }
    });
    std::printf("atd listening on %s\n", server->url().c_str());
    std::fflush(stdout);
    bool ok = server->run();
    done = true;
    signalWaiter.join();
    server.reset();
    if (!ok) {
        std::cerr << "atd: the server stopped on an error (see above)" << std::endl;
        return 1;
    }
    return 0;
}

int demo(const atd::DemoOptions& options) {
    auto started = std::chrono::steady_clock::now();
    try {
        auto result = atd::writeDemo(options);
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf(
            "atd demo: %llu events, %.1f MB of JSON lines in %s, %.1f s\n"
            "  users file: %s\n  API key:    %s (auditor: %s-auditor)\n  spaces:    ",
            static_cast<unsigned long long>(result.events), double(result.bytes) / 1e6,
            options.dataDir.c_str(), seconds, result.usersFile.c_str(), result.apiKey.c_str(),
            result.apiKey.c_str());
        for (const auto& guid : result.spaceGuids) {
            std::printf(" %s", guid.c_str());
        }
        std::printf("\n");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "atd demo: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"atd: a local Activity Tracker service (API v3)"};
    app.require_subcommand(1);

    atd::ServeOptions serveOptions;
    std::string listen = "127.0.0.1:0";
    int64_t tokenTtl = 3600, idleTimeout = 0;
    auto* serveCmd = app.add_subcommand("serve", "serve the API over HTTP(S)");
    serveCmd->add_option("--data", serveOptions.dataDir, "data folder")->required();
    serveCmd->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    serveCmd->add_option("--users", serveOptions.usersFile, "users file (default DATA/users.json)");
    serveCmd->add_option("--tls-cert", serveOptions.tlsCert, "PEM certificate: serve HTTPS");
    serveCmd->add_option("--tls-key", serveOptions.tlsKey, "PEM private key of --tls-cert");
    serveCmd->add_option("--token-ttl", tokenTtl, "token lifetime in seconds")
        ->check(CLI::Range(int64_t(1), int64_t(86400 * 365)))
        ->capture_default_str();
    serveCmd
        ->add_option("--session-idle-timeout", idleTimeout,
                     "delete sessions idle this many seconds (0: never)")
        ->check(CLI::Range(int64_t(0), int64_t(86400 * 365)))
        ->capture_default_str();
    serveCmd
        ->add_option("--demo-live", serveOptions.demoLiveRate,
                     "keep ingesting demo events at this many per second (0: off)")
        ->check(CLI::Range(0.0, 100000.0))
        ->capture_default_str();
    serveCmd->add_option("--threads", serveOptions.threads, "worker threads (concurrent requests)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    serveCmd->add_flag("--quiet", serveOptions.quiet, "no per-request log lines");

    atd::DemoOptions demoOptions;
    std::string lastDay;
    auto* demoCmd = app.add_subcommand("demo", "write demo events and a users file");
    demoCmd->add_option("--data", demoOptions.dataDir, "data folder")->required();
    demoCmd->add_option("--spaces", demoOptions.spaces, "spaces")->capture_default_str();
    demoCmd->add_option("--days", demoOptions.days, "days of events")->capture_default_str();
    demoCmd->add_option("--events-per-day", demoOptions.eventsPerDay, "events per day and domain")
        ->capture_default_str();
    demoCmd->add_option("--seed", demoOptions.seed, "random seed")->capture_default_str();
    demoCmd->add_option("--last-day", lastDay, "last day YYYY-MM-DD (default today, UTC)");

    try {
        app.parse(argc, argv);
        if (serveCmd->parsed() && !parseListen(listen, serveOptions)) {
            throw CLI::ValidationError("--listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
        }
        if (demoCmd->parsed() && !lastDay.empty()) {
            demoOptions.lastDay = at::Date::parse(lastDay);
            if (!demoOptions.lastDay) {
                throw CLI::ValidationError("--last-day", "must be a real date YYYY-MM-DD");
            }
        }
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "atd: " << e.what() << "\n\n" << app.help() << std::flush;
        return kExitUsage;
    }
    serveOptions.tokenTtl = std::chrono::seconds(tokenTtl);
    serveOptions.sessionIdleTimeout = std::chrono::seconds(idleTimeout);
    if (serveCmd->parsed()) {
        return serve(serveOptions);
    }
    return demo(demoOptions);
}
