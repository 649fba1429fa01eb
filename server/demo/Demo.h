// The demo generator: fills an atd data folder with realistic, deterministic CADF events for
// a few spaces and the account, plus the users file that grants a demo key access to them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "at/Time.h"

namespace atd {

struct DemoOptions {
    std::filesystem::path dataDir;
    int spaces = 3;
    int days = 14;
    uint64_t eventsPerDay = 2000;  // a weekday across all domains; weekends get half
    uint64_t seed = 1;
    std::optional<at::Date> lastDay; /* default: today UTC */
    std::string apiKey = "demo-apikey-0123456789abcdef";
    bool accountDomain = true;
    // No event is written after this (microseconds since the epoch); default: the clock.
    std::optional<int64_t> nowMicros;
};

struct DemoResult {
    std::filesystem::path usersFile;
    std::string apiKey;
    uint64_t events = 0;
    uint64_t bytes = 0; /* inflated */
    std::vector<std::string> spaceGuids;
};

// Throws std::invalid_argument for bad options, std::runtime_error when the folder cannot be
// written.
DemoResult writeDemo(const DemoOptions& options);

}  // namespace atd
