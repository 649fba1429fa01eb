// The command line, in the mount.fuse convention:
//   atfs MOUNTPOINT [-o endpoint=URL,config=FILE,...] [-f] [-d] [--help] [--version]
// Our -o options are consumed here; every other -o option goes to libfuse (allow_other...).
//
// Every -o option is declared once, below: its type, name, default, bounds and help. The
// parser, --help, --print-options (which writes README.md's table and man/atfs.1's OPTIONS
// through scripts/update-option-docs) all read this list; adding an option is one line here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "OptionList.h"

namespace atfs {

struct FsOptions;

struct MountOptions {
    OptionList list;  // first: the options below register with it
    Text endpoint{list, "endpoint", "URL", "the config file's", "service URL"};
    Text config{list, "config", "FILE", "$XDG_CONFIG_HOME/atfs/config.json",
                "credentials saved by atctl login"};
    Text cacert{list, "cacert", "FILE", "the system CAs",
                "PEM bundle to verify the service's TLS certificate with"};
    Flag insecure{list, "insecure", "do not verify TLS certificates (self-signed test services)"};
    Number<int> maxSessions{list,
                            "max_sessions",
                            "N",
                            8,
                            1,
                            30,
                            "live download sessions per domain; more readers queue (the "
                            "service allows 30 per space)"};
    Number<uint64_t> memoryBudgetMiB{
        list, "memory_budget", "MIB", 256, 8, 1 << 20, "memory in MiB all read windows draw from"};
    Number<int> cacheTtlSeconds{list,
                                "cache_ttl",
                                "SECONDS",
                                30,
                                0,
                                86400,
                                "how long listings and sizes of past days are cached (today's "
                                "live 2 s); SIGHUP flushes"};
    Number<int> gateTimeoutSeconds{list,
                                   "session_wait",
                                   "SECONDS",
                                   120,
                                   1,
                                   3600,
                                   "longest a read queues for a session slot, then EIO"};
    Number<uint64_t> minRate{list,
                             "min_rate",
                             "BYTES",
                             1024,
                             0,
                             uint64_t(1) << 30,
                             "a download slower than this many bytes/s over min_rate_time is a "
                             "stall: resumed, then EIO (0: no floor)"};
    Number<int> minRateSeconds{
        list, "min_rate_time", "SECONDS", 30, 1, 3600, "the window min_rate is measured over"};
    Choice cache{list,
                 "cache",
                 "on",
                 {"on", "off"},
                 "keep downloaded hours of past days on local disk (cache_dir): a second read "
                 "creates no session"};
    Text cacheDir{list, "cache_dir", "PATH", "$XDG_CACHE_HOME/atfs",
                  "the disk cache's folder (created 0700, files 0600)"};
    Number<uint64_t> cacheSizeMiB{
        list,
        "cache_size",
        "MIB",
        2048,
        1,
        uint64_t(1) << 30,
        "the disk cache's bound in MiB; least recently used hours go first"};
    Choice sequential{list,
                      "sequential",
                      "stream",
                      {"engine", "stream"},
                      "how a reader from the start of a past file is served: engine (hours "
                      "fetched and inflated in parallel, kept in the disk cache) or stream (one "
                      "download inflated into the replies: least memory, one core, no disk cache "
                      "until the first far seek)"};
    Number<int> inflateThreads{list,
                               "inflate_threads",
                               "N",
                               0,
                               0,
                               256,
                               "threads that fetch and inflate hours of past files ahead of "
                               "readers (0: one per CPU)"};
    Text log{list, "log", "stderr|syslog|FILE", "syslog, stderr with -f",
             "where log lines go (syslog: facility daemon, tag atfs)"};
    Choice logLevel{list,
                    "log_level",
                    "info",
                    {"error", "warning", "info", "debug"},
                    "least severe level logged; debug adds a line per session"};
    Text syslogSocket{list, "syslog_socket", "PATH", "/dev/log",
                      "the syslog socket log=syslog writes to"};

    // Not -o options.
    std::string mountpoint;
    bool foreground = false;
    bool debug = false;
    bool help = false;
    bool version = false;
    std::string printOptions;              // --print-options=usage|markdown|man
    std::vector<std::string> fuseOptions;  // passed through to libfuse
};

// Empty on success, else one line saying what is wrong.
std::string parseMountArgs(const std::vector<std::string>& args, MountOptions& out);

// True for options that only mean something to mount(8)/fstab (_netdev, noauto, x-*...).
bool isFstabOnlyOption(const std::string& option);

std::string usageText();
// The -o options for README.md ("markdown") or man/atfs.1 ("man"); empty for another name.
std::string printOptions(const std::string& format);

// The filesystem's settings from the command line's; the rest keep FsOptions' defaults.
FsOptions fsOptionsFrom(const MountOptions& options);

}  // namespace atfs
