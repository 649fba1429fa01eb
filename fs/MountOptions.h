// The command line, in the mount.fuse convention:
//   atfs MOUNTPOINT [-o endpoint=URL,config=FILE,...] [-f] [-d] [--help] [--version]
// Our -o options are consumed here; every other -o option goes to libfuse (allow_other...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atfs {

struct MountOptions {
    std::string mountpoint;
    std::string endpoint;  // overrides the config file's
    std::string config;    // default: at::defaultConfigPath()
    std::string cacert;
    bool insecure = false;
    int maxSessions = 8;  // live sessions per domain before reads queue
    uint64_t memoryBudgetMiB = 256;
    int cacheTtlSeconds = 30;
    int gateTimeoutSeconds = 120;  // longest a read waits for a session slot
    // A download slower than minRate bytes/s over minRateSeconds is a stall (0: no floor).
    uint64_t minRate = 1024;
    int minRateSeconds = 30;
    bool foreground = false;
    bool debug = false;
    bool help = false;
    bool version = false;
    std::vector<std::string> fuseOptions;  // passed through to libfuse
};

// Empty on success, else one line saying what is wrong.
std::string parseMountArgs(const std::vector<std::string>& args, MountOptions& out);

// True for options that only mean something to mount(8)/fstab (_netdev, noauto, x-*...).
bool isFstabOnlyOption(const std::string& option);

std::string usageText();

}  // namespace atfs
