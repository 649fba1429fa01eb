// `atctl target [-o ORG] [-s SPACE]`: show or set the org and space calls act in.
#include <iostream>
#include <memory>

#include "AppContext.h"
#include "ErrorReport.h"
#include "Table.h"
#include "TargetView.h"

namespace atctl {

void printTarget(const at::Config& config, const std::string& user, bool json) {
    if (json) {
        nlohmann::json j = {{"endpoint", config.endpoint},
                            {"org", config.org},
                            {"space", config.space},
                            {"space_guid", config.spaceGuid}};
        if (!user.empty()) {
            j["user"] = user;
        }
        AppContext::printJson(j);
        return;
    }
    Table table = Table::nameValue();
    table.addRow({"endpoint", config.endpoint});
    if (!user.empty()) {
        table.addRow({"user", user});
    }
    table.addRow({"org", config.org.empty() ? "(none)" : config.org});
    table.addRow({"space", config.space.empty() ? "(none)" : config.space});
    table.addRow({"space-guid", config.spaceGuid});
    std::cout << table.render() << std::flush;
    if (config.spaceGuid.empty()) {
        std::cerr << "No space targeted: run atctl target -o ORG -s SPACE" << std::endl;
    }
}

at::Space resolveSpace(const at::SpaceList& list, const std::string& org,
                       const std::string& space) {
    std::vector<at::Space> matches;
    for (const auto& s : list.spaces) {
        if ((org.empty() || s.org == org) && (space.empty() || s.name == space)) {
            matches.push_back(s);
        }
    }
    std::string wanted = (org.empty() ? "" : "org " + org) +
                         (org.empty() || space.empty() ? "" : ", ") +
                         (space.empty() ? "" : "space " + space);
    if (matches.empty()) {
        std::string seen;
        for (const auto& s : list.spaces) {
            seen += (seen.empty() ? "" : ", ") + s.org + "/" + s.name;
        }
        throw UsageError("no " + wanted + " among the spaces " + list.user + " can see (" +
                         (seen.empty() ? "none" : seen) + ")");
    }
    if (matches.size() > 1) {
        throw UsageError(wanted + " matches " + std::to_string(matches.size()) +
                         " spaces — name both the org (-o) and the space (-s)");
    }
    return matches.front();
}

void addTargetCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        std::string org;
        std::string space;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("target", "Show or set the org and space calls act in");
    cmd->add_option("-o,--org", opts->org, "Org name");
    cmd->add_option("-s,--space", opts->space, "Space name");
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            at::Config config = ctx.loadConfig();
            if (opts->org.empty() && opts->space.empty()) {
                printTarget(config, "", ctx.json);
                return 0;
            }
            at::Client client(at::clientOptionsFrom(config));
            at::SpaceList list = client.spaces();
            // With only -s, prefer the space of the org already targeted.
            std::string org = opts->org;
            if (org.empty() && !config.org.empty()) {
                for (const auto& s : list.spaces) {
                    if (s.org == config.org && s.name == opts->space) {
                        org = config.org;
                    }
                }
            }
            if (opts->space.empty()) {
                // Only -o: take the org's space if it has exactly one, else clear the space.
                size_t inOrg = 0;
                for (const auto& s : list.spaces) {
                    inOrg += s.org == org;
                }
                if (inOrg == 0) {
                    resolveSpace(list, org, "");  // says which orgs there are
                }
                if (inOrg > 1) {
                    config.org = org;
                    config.space.clear();
                    config.spaceGuid.clear();
                    at::saveConfig(ctx.configPath(), config);
                    printTarget(config, list.user, ctx.json);
                    return 0;
                }
            }
            at::Space chosen = resolveSpace(list, org, opts->space);
            config.org = chosen.org;
            config.space = chosen.name;
            config.spaceGuid = chosen.guid;
            at::saveConfig(ctx.configPath(), config);
            printTarget(config, list.user, ctx.json);
            return 0;
        };
    });
}

}  // namespace atctl
