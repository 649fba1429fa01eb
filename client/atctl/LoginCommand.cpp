// `atctl login`: verify an API key against the service and save it with the target.
#include <iostream>
#include <memory>

#include "ApiKeyInput.h"
#include "AppContext.h"
#include "TargetView.h"

namespace atctl {
namespace {

constexpr const char* kDefaultEndpoint = "http://127.0.0.1:8080";

}  // namespace

void addLoginCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        std::string endpoint;
        std::string apikeyFile;
        std::string cacert;
        bool insecure = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "login",
        "Verify an API key and save it (key from $ATFS_APIKEY, --apikey-file, stdin or a prompt)");
    cmd->add_option(
        "--endpoint", opts->endpoint,
        std::string("Service or API endpoint URL; the other is found through GET /v2/info "
                    "(default: the saved one, else ") +
            kDefaultEndpoint + ")");
    cmd->add_option("--apikey-file", opts->apikeyFile, "Read the API key from this file");
    cmd->add_option("--cacert", opts->cacert, "PEM file of the CA that signs the service's TLS");
    cmd->add_flag("--insecure", opts->insecure, "Do not verify TLS (self-signed test servers)");
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            // The previous config only supplies defaults; a broken one is about to be replaced.
            std::optional<at::Config> previous;
            try {
                previous = ctx.loadConfig();
            } catch (const at::ApiError&) {
            }
            at::Config config;
            config.endpoint = !opts->endpoint.empty() ? opts->endpoint
                              : previous              ? previous->endpoint
                                                      : kDefaultEndpoint;
            // Absolute, so later commands find it from any working directory.
            config.caCert =
                opts->cacert.empty() ? "" : std::filesystem::absolute(opts->cacert).string();
            config.insecure = opts->insecure;
            config.apiKey = readApiKey(opts->apikeyFile);
            // --endpoint may name the service or the API endpoint: /v2/info says the other.
            at::ClientOptions given = at::clientOptionsFrom(config);
            at::Endpoints endpoints = at::discoverEndpoints(given);
            config.endpoint = endpoints.service;
            config.authorizationEndpoint = endpoints.authorization;

            at::Client client(at::clientOptionsFrom(config));
            client.login();
            at::SpaceList list = client.spaces();
            if (list.spaces.size() == 1) {
                const at::Space& only = list.spaces.front();
                config.org = only.org;
                config.space = only.name;
                config.spaceGuid = only.guid;
            } else if (previous && previous->endpoint == config.endpoint) {
                for (const auto& s : list.spaces) {
                    if (s.guid == previous->spaceGuid) {
                        config.org = s.org;
                        config.space = s.name;
                        config.spaceGuid = s.guid;
                    }
                }
            }
            at::saveConfig(ctx.configPath(), config);
            if (!ctx.json) {
                std::cout << "Logged in to " << config.endpoint << " as " << list.user << " ("
                          << list.spaces.size() << " space" << (list.spaces.size() == 1 ? "" : "s")
                          << (list.accountAccess ? ", account access" : "") << ")\n";
            }
            printTarget(config, list.user, ctx.json);
            return 0;
        };
    });
}

}  // namespace atctl
