// `atctl status [-a] [-s DATE] [-e DATE]`: the events available per day (legacy `at status`).
#include <iostream>
#include <memory>

#include "AppContext.h"
#include "Table.h"

namespace atctl {

void addStatusCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        bool account = false;
        std::string start;
        std::string end;
        bool hours = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("status", "Show the events available per day");
    cmd->add_flag("-a,--account", opts->account, "The account domain instead of the space");
    cmd->add_option("-s,--start", opts->start, "First day, YYYY-MM-DD (UTC)");
    cmd->add_option("-e,--end", opts->end, "Last day, YYYY-MM-DD (UTC)");
    cmd->add_flag("--hours", opts->hours, "Also show each hour that has events");
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            auto start = parseDateOption(opts->start, "--start");
            auto end = parseDateOption(opts->end, "--end");
            at::Config config = ctx.loadConfig();
            at::Client client(at::clientOptionsFrom(config));
            auto days =
                client.status(AppContext::domainOf(config, opts->account), start, end, opts->hours);
            if (ctx.json) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& d : days) {
                    nlohmann::json day = {{"date", d.date.str()},
                                          {"count", d.count},
                                          {"size", d.size},
                                          {"gzip_size", d.gzipSize}};
                    if (opts->hours) {
                        day["hours"] = nlohmann::json::array();
                        for (const auto& h : d.hours) {
                            day["hours"].push_back({{"hour", h.hour},
                                                    {"count", h.count},
                                                    {"size", h.size},
                                                    {"gzip_size", h.gzipSize}});
                        }
                    }
                    out.push_back(day);
                }
                AppContext::printJson(out);
                return 0;
            }
            // Every stored event can be put in a session, so every listed day is searchable.
            Table table({"DATE", "COUNT", "SIZE", "TYPES", "SEARCHABLE"});
            for (const auto& d : days) {
                table.addRow({d.date.str(), std::to_string(d.count), std::to_string(d.size),
                              "ActivityTracker", "All"});
                for (const auto& h : d.hours) {
                    char hour[8];
                    std::snprintf(hour, sizeof hour, "T%02d", h.hour);
                    table.addRow({"  " + d.date.str() + hour, std::to_string(h.count),
                                  std::to_string(h.size), "ActivityTracker", "All"});
                }
            }
            std::cout << table.render() << std::flush;
            return 0;
        };
    });
}

}  // namespace atctl
