// atd: the local Activity Tracker service. `atd serve` runs it, `atd demo` writes demo data.
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "demo/Demo.h"
#include "service/AtdServer.h"
#include "service/ServeFlags.h"
#include "store/FolderModes.h"
#include "store/StoreFsck.h"

namespace {

constexpr int kExitUsage = 2;

// Once at start: what an older atd left that this one will not serve (see `atd fsck`).
void reportUnservable(const std::filesystem::path& dataDir) {
    const auto findings = atd::findUnservable(dataDir);
    if (findings.empty())
        return;
    std::cerr << "atd: " << findings.size() << " entries in " << dataDir.string()
              << " are not served, e.g. " << findings.front().path << " (" << findings.front().why
              << "); `atd fsck --data " << dataDir.string() << "` lists them, --remove removes them"
              << std::endl;
}

int fsck(const std::filesystem::path& dataDir, bool remove) {
    try {
        const auto findings =
            remove ? atd::removeFsckFindings(dataDir) : atd::fsckFindings(dataDir);
        for (const auto& f : findings)
            std::printf("%s%s: %s\n", remove ? "removed " : "", f.path.c_str(), f.why.c_str());
        if (findings.empty())
            std::printf("atd fsck: nothing to report in %s\n", dataDir.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "atd fsck: " << e.what() << std::endl;
        return 1;
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
        atd::createPrivateFolder(options.dataDir);
        if (auto widened = atd::tightenFolderModes(options.dataDir)) {
            std::cerr << "atd: " << widened << " files and folders in " << options.dataDir.string()
                      << " were open to other users; now 0600 (folders 0700)" << std::endl;
        }
        reportUnservable(options.dataDir);
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
                server->stop();  // run() returns at once, even if it has not started yet
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
    ::umask(077);  // the trail and the key digests are the owner's alone, whatever the umask
    CLI::App app{"atd: a local Activity Tracker service (API v3)"};
    app.require_subcommand(0, 1);

    atd::ServeFlags serveFlags;
    auto* serveCmd = app.add_subcommand("serve", "serve the API over HTTP(S)");
    const std::vector<at::OptionDoc> serveDocs = atd::declareServeFlags(*serveCmd, serveFlags);
    std::string printOptions;
    app.add_option("--print-options", printOptions,
                   "print the serve flags for README.md or man/atd.8, and exit")
        ->type_name("markdown|man")
        ->check(CLI::IsMember({"usage", "markdown", "man"}));

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

    std::string fsckData;
    bool fsckRemove = false;
    auto* fsckCmd = app.add_subcommand(
        "fsck",
        "list day folders outside 1970..9999, files atd never writes, and orphan hour files a "
        "crash left (--remove: atd stopped)");
    fsckCmd->add_option("--data", fsckData, "data folder")->required();
    fsckCmd->add_flag("--remove", fsckRemove, "remove what is listed");

    try {
        app.parse(argc, argv);
        if (!printOptions.empty()) {
            std::fputs(
                at::renderOptionDocs(serveDocs, *at::parseDocFormat(printOptions), " ").c_str(),
                stdout);
            return 0;
        }
        if (!serveCmd->parsed() && !demoCmd->parsed() && !fsckCmd->parsed())
            throw CLI::RequiredError("a subcommand (serve, demo or fsck)");
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
        std::cerr << "atd: " << e.what() << " (see atd serve --help)" << std::endl;
        return kExitUsage;
    }
    if (serveCmd->parsed()) {
        if (std::string err = atd::applyServeFlags(serveFlags); !err.empty()) {
            std::cerr << "atd: " << err << std::endl;
            return kExitUsage;
        }
        return serve(serveFlags.options);
    }
    if (fsckCmd->parsed()) {
        return fsck(fsckData, fsckRemove);
    }
    return demo(demoOptions);
}
