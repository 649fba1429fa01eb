#include "MountOptions.h"

#include "TrailFs.h"
#include "read/HourCache.h"

namespace atfs {

bool isFstabOnlyOption(const std::string& o) {
    return o == "_netdev" || o == "noauto" || o == "auto" || o == "user" || o == "users" ||
           o == "nouser" || o == "nofail" || o == "defaults" || o.starts_with("x-") ||
           o.starts_with("comment=");
}

namespace {

std::string applyOption(const std::string& opt, MountOptions& o) {
    const size_t eq = opt.find('=');
    const std::string key = opt.substr(0, eq);
    if (Option* ours = o.list.find(key))
        return ours->set(eq == std::string::npos ? nullptr : opt.c_str() + eq + 1);
    if (!isFstabOnlyOption(opt) && !opt.empty())
        o.fuseOptions.push_back(opt);
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
        else if (a.starts_with("--print-options="))
            o.printOptions = a.substr(a.find('=') + 1);
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
    if (!o.printOptions.empty() && !at::parseDocFormat(o.printOptions))
        return "bad option --print-options=" + o.printOptions + ": takes usage, markdown or man";
    if (o.mountpoint.empty() && !o.help && !o.version && o.printOptions.empty())
        return "missing MOUNTPOINT (see --help)";
    return "";
}

std::string printOptions(const std::string& format) {
    auto f = at::parseDocFormat(format);
    return f ? at::renderOptionDocs(MountOptions{}.list.docs(), *f, "=") : "";
}

std::string usageText() {
    return "usage: atfs MOUNTPOINT [-o OPTIONS] [-f] [-d] [--help] [--version]\n"
           "Mounts the Activity Tracker audit trail the saved credentials (atctl login) see.\n"
           "options (-o, comma separated) [default]:\n" +
           printOptions("usage") +
           "  any other option is passed to libfuse (allow_other, ...)\n"
           "  -f  stay in the foreground   -d  foreground with FUSE debug output\n"
           "  --print-options=markdown|man  the options above for README.md / man/atfs.1\n";
}

FsOptions fsOptionsFrom(const MountOptions& o) {
    FsOptions f;
    f.maxSessionsPerDomain = o.maxSessions.value;
    f.memoryBudget = o.memoryBudgetMiB.value << 20;
    f.cacheTtl = std::chrono::seconds(o.cacheTtlSeconds.value);
    f.todayTtl = std::min(f.todayTtl, f.cacheTtl);
    f.gateTimeout = std::chrono::seconds(o.gateTimeoutSeconds.value);
    f.diskCache = o.cache.value == "on";
    f.cacheDir = o.cacheDir.value.empty() ? read::defaultCacheDir().string() : o.cacheDir.value;
    f.cacheBytes = o.cacheSizeMiB.value << 20;
    f.inflateThreads = unsigned(o.inflateThreads.value);
    f.streamFromStart = o.sequential.value == "stream";
    return f;
}

}  // namespace atfs
