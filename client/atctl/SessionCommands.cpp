// `atctl session create|list|show|delete`: the seed's session workflow and its tables.
#include <iostream>
#include <memory>

#include "AppContext.h"
#include "Table.h"
#include "at/ApiLimits.h"

namespace atctl {
namespace {

nlohmann::json dateRangeJson(const at::Session& s) {
    return {{"End", s.end.str()}, {"Start", s.start.str()}};
}

nlohmann::json typesJson(const at::Session& s) {
    nlohmann::json types = {{"Type", "ActivityTracker"}};
    if (s.accountLevel) {
        types["AtAccountLevel"] = true;
    }
    return types;
}

std::string searchTime(const at::Session& s) {
    return s.hour ? std::to_string(*s.hour) : "";
}

// The wire's field names, so scripts can use either.
nlohmann::json sessionJson(const at::Session& s) {
    return {{"id", s.id},
            {"space", s.space},
            {"username", s.username},
            {"create-time", s.createTime},
            {"access-time", s.accessTime},
            {"date-range", {{"Start", s.start.str()}, {"End", s.end.str()}}},
            {"types", {{"Type", "ActivityTracker"}, {"AtAccountLevel", s.accountLevel}}},
            {"search-time", searchTime(s)},
            {"count", s.count},
            {"size", s.size},
            {"gzip-size", s.gzipSize},
            {"tag", s.tag}};
}

// The seed's name/value table, in its row order, then what the service adds.
void printSession(const at::Session& s) {
    Table table = Table::nameValue();
    table.addRow({"username", s.username});
    table.addRow({"create-time", s.createTime});
    table.addRow({"access-time", s.accessTime});
    table.addRow({"date-range", dateRangeJson(s).dump()});
    table.addRow({"type-account", typesJson(s).dump()});
    table.addRow({"id", s.id});
    table.addRow({"space", s.space});
    if (s.hour) {
        table.addRow({"search-time", searchTime(s)});
    }
    table.addRow({"count", std::to_string(s.count)});
    table.addRow({"size", std::to_string(s.size)});
    table.addRow({"gzip-size", std::to_string(s.gzipSize)});
    std::cout << table.render() << std::flush;
}

struct Connection {
    at::Config config;
    at::Client client;
    explicit Connection(const AppContext& ctx)
        : config(ctx.loadConfig()), client(at::clientOptionsFrom(config)) {}
    at::Domain domain(bool account = false) const { return AppContext::domainOf(config, account); }
};

void addCreate(CLI::App& group, AppContext& ctx) {
    struct Options {
        bool account = false;
        std::string start;
        std::string end;
        std::string hour;
        std::string tag = "atctl";
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = group.add_subcommand(
        "create", "Create a download session (default: the last " +
                      std::to_string(at::kDefaultSessionDays) + " days, at most " +
                      std::to_string(at::kMaxSessionDays) + " days)");
    cmd->add_flag("-a,--account", opts->account, "The account domain instead of the space");
    cmd->add_option("-s,--start", opts->start, "First day, YYYY-MM-DD (UTC)");
    cmd->add_option("-e,--end", opts->end, "Last day, YYYY-MM-DD (UTC), inclusive");
    cmd->add_option("-T,--time", opts->hour, "Only this hour (0-23, UTC) of each day");
    cmd->add_option("--tag", opts->tag, "Free text stored with the session")->capture_default_str();
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] {
            at::SessionRequest request;
            request.start = parseDateOption(opts->start, "--start");
            request.end = parseDateOption(opts->end, "--end");
            request.hour = parseHourOption(opts->hour, "--time");
            request.accountLevel = opts->account;
            request.tag = opts->tag;
            Connection c(ctx);
            at::Session s = c.client.createSession(c.domain(opts->account), request);
            if (ctx.json) {
                AppContext::printJson(sessionJson(s));
            } else {
                printSession(s);
            }
            return 0;
        };
    });
}

void addList(CLI::App& group, AppContext& ctx) {
    CLI::App* cmd = group.add_subcommand("list", "List your live sessions");
    cmd->callback([&ctx] {
        ctx.action = [&ctx] {
            Connection c(ctx);
            auto sessions = c.client.listSessions(c.domain());
            if (ctx.json) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& s : sessions) {
                    out.push_back(sessionJson(s));
                }
                AppContext::printJson(out);
                return 0;
            }
            Table table({"Id", "Space", "Username", "Create-time", "Access-time"});
            for (const auto& s : sessions) {
                table.addRow({s.id, s.space, s.username, s.createTime, s.accessTime});
            }
            std::cout << table.render() << std::flush;
            return 0;
        };
    });
}

void addShow(CLI::App& group, AppContext& ctx) {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = group.add_subcommand("show", "Show one session");
    cmd->add_option("SESSION_ID", *id, "Session ID")->required();
    cmd->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            Connection c(ctx);
            at::Session s = c.client.getSession(c.domain(), *id);
            if (ctx.json) {
                AppContext::printJson(sessionJson(s));
            } else {
                printSession(s);
            }
            return 0;
        };
    });
}

void addDelete(CLI::App& group, AppContext& ctx) {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = group.add_subcommand("delete", "Delete a session once its download is done");
    cmd->add_option("SESSION_ID", *id, "Session ID")->required();
    cmd->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            Connection c(ctx);
            c.client.deleteSession(c.domain(), *id);
            const char* message = "Delete session success";
            if (ctx.json) {
                AppContext::printJson({{"id", *id}, {"message", message}});
            } else {
                Table table = Table::nameValue();
                table.addRow({"message", message});
                std::cout << table.render() << std::flush;
            }
            return 0;
        };
    });
}

}  // namespace

void addSessionCommands(CLI::App& app, AppContext& ctx) {
    CLI::App* group = app.add_subcommand("session", "Create, list, show and delete sessions");
    group->fallthrough();
    group->require_subcommand(1);
    addCreate(*group, ctx);
    addList(*group, ctx);
    addShow(*group, ctx);
    addDelete(*group, ctx);
}

}  // namespace atctl
