// Every flag of `atd serve`, declared once with its default, bounds and help: CLI11 parses
// and checks them, and the same declaration gives `atd --print-options=markdown|man`, from
// which scripts/update-option-docs writes README.md's table and man/atd.8's OPTIONS.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "at/OptionDocs.h"
#include "service/AtdServer.h"

namespace atd {

struct ServeFlags {
    ServeOptions options;
    std::string listen;
    int64_t tokenTtlSeconds = 0;
    int64_t idleTimeoutSeconds = 0;
    int64_t maxBodyKiB = 0;
    int64_t maxIngestMiB = 0;
    int64_t maxHeaderKiB = 0;
    int64_t maxBufferedMiB = 0;
    int64_t connectionIdleSeconds = 0;
    int64_t headerTimeoutSeconds = 0;
    std::string metricsListen;
    int64_t demoLivePerSecond = 0;
    std::string log;
    std::string logLevel;
    std::string syslogSocket;
};

// Adding a flag is one line in ServeFlags.cpp's declareServeFlags.
std::vector<at::OptionDoc> declareServeFlags(CLI::App& serve, ServeFlags& out);

// After parsing: --listen into host and port, seconds into durations, the log opened.
// Empty on success, else one line naming the flag and what it accepts.
std::string applyServeFlags(ServeFlags& flags);

}  // namespace atd
