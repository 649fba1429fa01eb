// `atctl delete -s DATE -e DATE [-T HOUR]` and `atctl option [-r DAYS]`: stored events and
// their retention, as the legacy `at delete` and `at option`.
#include <iostream>
#include <memory>

#include "AppContext.h"
#include "ErrorReport.h"
#include "Table.h"

namespace atctl {

void addDeleteCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        bool account = false;
        std::string start;
        std::string end;
        std::string hour;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("delete", "Delete stored events of a date range");
    cmd->add_flag("-a,--account", opts->account, "The account domain instead of the space");
    cmd->add_option("-s,--start", opts->start, "First day, YYYY-MM-DD (UTC)")->required();
    cmd->add_option("-e,--end", opts->end, "Last day, YYYY-MM-DD (UTC), inclusive")->required();
    cmd->add_option("-T,--time", opts->hour, "Only this hour (0-23, UTC) of each day");
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            auto start = parseDateOption(opts->start, "--start");
            auto end = parseDateOption(opts->end, "--end");
            auto hour = parseHourOption(opts->hour, "--time");
            at::Config config = ctx.loadConfig();
            at::Client client(at::clientOptionsFrom(config));
            at::DeleteResult result = client.deleteEvents(
                AppContext::domainOf(config, opts->account), *start, *end, hour);
            if (ctx.json) {
                AppContext::printJson({{"message", result.message},
                                       {"count", result.count},
                                       {"bytes", result.bytes}});
            } else {
                std::cout << result.message << std::endl;
            }
            return 0;
        };
    });
}

void addOptionCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        bool account = false;
        int retention = -1;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("option", "Show or set how many days events are kept");
    cmd->add_flag("-a,--account", opts->account, "The account domain instead of the space");
    cmd->add_option("-r,--retention", opts->retention,
                    "Keep events this many days (0: forever), 0..3650")
        ->check(CLI::Range(0, 3650));
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            at::Config config = ctx.loadConfig();
            at::Client client(at::clientOptionsFrom(config));
            at::Domain domain = AppContext::domainOf(config, opts->account);
            int days = opts->retention >= 0 ? client.setRetention(domain, opts->retention)
                                            : client.retention(domain);
            if (ctx.json) {
                AppContext::printJson({{"retention", days}});
            } else {
                Table table = Table::nameValue();
                table.addRow(
                    {"retention", days == 0 ? "0 (keep forever)" : std::to_string(days) + " days"});
                std::cout << table.render() << std::flush;
            }
            return 0;
        };
    });
}

}  // namespace atctl
