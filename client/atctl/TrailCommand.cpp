// `atctl trail -f FILE|-`: send CADF events (JSON lines) to the service, as `cf at trail` did.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "AppContext.h"
#include "ErrorReport.h"
#include "LineBatcher.h"

namespace atctl {
namespace {

// The service takes 256 MiB a request; 64 MiB keeps memory low and retries cheap.
constexpr size_t kMaxBatchBytes = size_t(64) << 20;

int trail(AppContext& ctx, const std::string& file, bool account) {
    std::ifstream fileStream;
    if (file != "-") {
        fileStream.open(file, std::ios::binary);
        if (!fileStream) {
            throw LocalFileError("cannot read " + file + ": " + std::strerror(errno));
        }
    }
    std::istream& in = file == "-" ? std::cin : fileStream;
    at::Config config = ctx.loadConfig();
    at::Client client(at::clientOptionsFrom(config));
    at::Domain domain = AppContext::domainOf(config, account);

    LineBatcher batcher(in, kMaxBatchBytes);
    uint64_t accepted = 0;
    uint64_t batches = 0;
    while (auto batch = batcher.next()) {
        try {
            accepted += client.ingest(domain, batch->text).accepted;
        } catch (const at::ApiError& e) {
            std::string message = lineNumberInInput(e.serviceMessage(), batch->firstLine);
            if (accepted > 0) {
                message += " (the " + std::to_string(accepted) + " events before line " +
                           std::to_string(batch->firstLine) + " were accepted)";
            }
            throw at::ApiError(e.kind(), e.call(), e.httpStatus(), message, e.retryAfterSeconds());
        }
        ++batches;
    }
    if (in.bad()) {
        throw LocalFileError("cannot read " + (file == "-" ? std::string("stdin") : file));
    }
    if (ctx.json) {
        AppContext::printJson({{"accepted", accepted}, {"batches", batches}});
    } else {
        std::cout << accepted << " events accepted" << std::endl;
    }
    return 0;
}

}  // namespace

void addTrailCommand(CLI::App& app, AppContext& ctx) {
    struct Options {
        std::string file;
        bool account = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("trail", "Send CADF events (JSON lines) to the service");
    cmd->add_option("-f,--file", opts->file, "JSON lines file, or - for stdin")->required();
    cmd->add_flag("-a,--account", opts->account, "The account domain instead of the space");
    cmd->callback([&ctx, opts] {
        ctx.action = [&ctx, opts] { return trail(ctx, opts->file, opts->account); };
    });
}

}  // namespace atctl
