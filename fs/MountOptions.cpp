#include "MountOptions.h"

#include <charconv>

namespace atfs {

bool isFstabOnlyOption(const std::string& o) {
    return o == "_netdev" || o == "noauto" || o == "auto" || o == "user" || o == "users" ||
           o == "nouser" || o == "nofail" || o == "defaults" || o.starts_with("x-") ||
           o.starts_with("comment=");
}

namespace {

bool parseNumber(const std::string& text, uint64_t lo, uint64_t hi, uint64_t& out) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size() && out >= lo && out <= hi;
}

std::string applyOption(const std::string& opt, MountOptions& o) {
    const size_t eq = opt.find('=');
    const std::string key = opt.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : opt.substr(eq + 1);
    uint64_t n = 0;
    if (key == "endpoint")
        o.endpoint = value;
    else if (key == "config")
        o.config = value;
    else if (key == "cacert")
        o.cacert = value;
    else if (opt == "insecure")
        o.insecure = true;
    else if (key == "max_sessions") {
        if (!parseNumber(value, 1, 30, n))
            return "max_sessions must be 1..30 (the service allows 30 per space)";
        o.maxSessions = int(n);
    } else if (key == "memory_budget") {
        if (!parseNumber(value, 8, 1 << 20, n))
            return "memory_budget is in MiB, at least 8";
        o.memoryBudgetMiB = n;
    } else if (key == "cache_ttl") {
        if (!parseNumber(value, 0, 86400, n))
            return "cache_ttl is in seconds, 0..86400";
        o.cacheTtlSeconds = int(n);
    } else if (key == "session_wait") {
        if (!parseNumber(value, 1, 3600, n))
            return "session_wait is in seconds, 1..3600";
        o.gateTimeoutSeconds = int(n);
    } else if (key == "min_rate") {
        if (!parseNumber(value, 0, 1ull << 30, n))
            return "min_rate is in bytes per second, 0 (no floor)..1073741824";
        o.minRate = n;
    } else if (key == "min_rate_time") {
        if (!parseNumber(value, 1, 3600, n))
            return "min_rate_time is in seconds, 1..3600";
        o.minRateSeconds = int(n);
    } else if (!isFstabOnlyOption(opt) && !opt.empty()) {
        o.fuseOptions.push_back(opt);
    }
    return "";
}

}  // namespace

std::string parseMountArgs(const std::vector<std::string>& args, MountOptions& o) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help")
            o.help = true;
        else if (a == "-V" || a == "--version")
            o.version = true;
        else if (a == "-f")
            o.foreground = true;
        else if (a == "-d")
            o.debug = o.foreground = true;
        else if (a == "-o" || (a.starts_with("-o") && a.size() > 2)) {
            std::string list = a.size() > 2 ? a.substr(2) : "";
            if (list.empty()) {
                if (++i >= args.size())
                    return "-o needs a list of options";
                list = args[i];
            }
            size_t start = 0;
            while (start <= list.size()) {
                const size_t comma = std::min(list.find(',', start), list.size());
                if (auto err = applyOption(list.substr(start, comma - start), o); !err.empty())
                    return err;
                start = comma + 1;
            }
        } else if (a.starts_with("-")) {
            return "unknown option " + a + " (see --help)";
        } else if (o.mountpoint.empty()) {
            o.mountpoint = a;
        } else {
            return "unexpected argument " + a + " (one mountpoint only)";
        }
    }
    if (o.mountpoint.empty() && !o.help && !o.version)
        return "missing MOUNTPOINT (see --help)";
    return "";
}

std::string usageText() {
    return "usage: atfs MOUNTPOINT [-o OPTIONS] [-f] [-d] [--help] [--version]\n"
           "Mounts the Activity Tracker audit trail the saved credentials (atctl login) see.\n"
           "options (-o, comma separated):\n"
           "  endpoint=URL       service URL (default: the config file's)\n"
           "  config=FILE        credentials file (default: ~/.config/atfs/config.json)\n"
           "  cacert=FILE        PEM CA bundle for TLS\n"
           "  insecure           skip TLS verification (self-signed test servers only)\n"
           "  max_sessions=N     live download sessions per domain before reads queue (8)\n"
           "  memory_budget=MIB  memory for all read windows together (256)\n"
           "  cache_ttl=SECONDS  how long listings and sizes of past days are cached (30)\n"
           "  session_wait=SECONDS  longest a read queues for a session slot (120)\n"
           "  min_rate=BYTES     a download slower than this many bytes/s (1024) over\n"
           "  min_rate_time=SECONDS  this long (30) is a stall: resumed, then EIO; 0 = off\n"
           "  any other option is passed to libfuse (allow_other, ...)\n"
           "  -f  stay in the foreground   -d  foreground with FUSE debug output\n";
}

}  // namespace atfs
