// What every command shares: the global options, the saved config, a client, the domain
// a call acts in, and the helpers that turn option text into typed values.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "at/Client.h"
#include "at/Config.h"
#include "at/Time.h"

namespace atctl {

struct AppContext {
    std::string configFile;       // --config; empty: $XDG_CONFIG_HOME/atfs/config.json
    bool json = false;            // --json: machine-readable output on stdout
    std::function<int()> action;  // set by the subcommand that was parsed

    std::filesystem::path configPath() const;
    at::Config loadConfig() const;

    // The space (or with accountLevel, the account) a call acts in; Config error when no
    // space is targeted yet.
    static at::Domain domainOf(const at::Config& config, bool accountLevel);

    // Prints JSON for --json on stdout.
    static void printJson(const nlohmann::json& value);
};

// "2017-07-25" or UsageError naming the option.
std::optional<at::Date> parseDateOption(const std::string& text, const char* option);
// "0".."23" or UsageError naming the option.
std::optional<int> parseHourOption(const std::string& text, const char* option);

// The subcommands; each adds itself to app and sets ctx.action when it is parsed.
void addLoginCommand(CLI::App& app, AppContext& ctx);
void addTargetCommand(CLI::App& app, AppContext& ctx);
void addStatusCommand(CLI::App& app, AppContext& ctx);
void addSessionCommands(CLI::App& app, AppContext& ctx);
void addDownloadCommand(CLI::App& app, AppContext& ctx);
void addDeleteCommand(CLI::App& app, AppContext& ctx);
void addOptionCommand(CLI::App& app, AppContext& ctx);
void addTrailCommand(CLI::App& app, AppContext& ctx);

}  // namespace atctl
