// atctl: the legacy Activity Tracker download workflow (login, target, status, sessions,
// download) over libatclient. Every failure is one line on stderr and an exit code.
#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <new>

#include "AppContext.h"
#include "ErrorReport.h"
#include "ExitCodes.h"
#include "at/SecretMemory.h"

namespace {

std::string firstUnexpectedWord(CLI::App& app) {
    for (CLI::App* sub : app.get_subcommands()) {
        if (auto word = firstUnexpectedWord(*sub); !word.empty()) {
            return word;
        }
    }
    for (const std::string& word : app.remaining()) {
        if (!word.empty() && word[0] != '-') {
            return word;
        }
    }
    return {};
}

int run(int argc, char** argv) {
    atctl::AppContext ctx;
    CLI::App app{"atctl: download an account's Activity Tracker events (see man atctl)", "atctl"};
    app.set_version_flag("--version", "atctl 0.1.0");
    // Global options may come after the subcommand too: `atctl status --json`.
    app.fallthrough();
    app.require_subcommand(1);
    app.add_option("--config", ctx.configFile,
                   "Config file (default: $XDG_CONFIG_HOME/atfs/config.json)");
    app.add_flag("--json", ctx.json, "Machine-readable JSON output on stdout");

    atctl::addLoginCommand(app, ctx);
    atctl::addTargetCommand(app, ctx);
    atctl::addStatusCommand(app, ctx);
    atctl::addSessionCommands(app, ctx);
    atctl::addDownloadCommand(app, ctx);
    atctl::addDeleteCommand(app, ctx);
    atctl::addOptionCommand(app, ctx);
    atctl::addTrailCommand(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            return app.exit(e);  // --help, --version
        }
        // CLI11 reports "atctl frobnicate" as a missing subcommand; name the word instead.
        if (auto unknown =
                dynamic_cast<const CLI::RequiredError*>(&e) ? firstUnexpectedWord(app) : "";
            !unknown.empty()) {
            atctl::reportError("unknown command '" + unknown + "' — see atctl --help");
            return atctl::kUsage;
        }
        atctl::reportError(std::string(e.what()) + " — see atctl --help");
        return atctl::kUsage;
    }
    if (!ctx.action) {
        atctl::reportError("no command given — see atctl --help");
        return atctl::kUsage;
    }
    return ctx.action();
}

}  // namespace

int main(int argc, char** argv) {
    // A closed pipe (`atctl download ID | head`) is a write error we report, not a signal death.
    std::signal(SIGPIPE, SIG_IGN);
    at::keepOutOfCoreDumps();  // the API key passes through this process's memory
    try {
        return run(argc, argv);
    } catch (const at::ApiError& e) {
        atctl::reportError(atctl::describe(e));
        return atctl::exitCodeFor(e.kind());
    } catch (const atctl::UsageError& e) {
        atctl::reportError(e.what());
        return atctl::kUsage;
    } catch (const atctl::LocalFileError& e) {
        atctl::reportError(e.what());
        return atctl::kLocalFile;
    } catch (const std::bad_alloc&) {
        atctl::reportError("out of memory");
        return atctl::kLocalFile;
    } catch (const std::exception& e) {
        atctl::reportError(std::string("unexpected error: ") + e.what());
        return atctl::kServer;
    }
}
