// atfs: options, credentials, daemonizing, the login probe, and the FUSE session's life.
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "HttpBackend.h"
#include "KernelLimits.h"
#include "Log.h"
#include "MountOptions.h"
#include "Ops.h"
#include "TrailFs.h"
#include "at/Config.h"
#include "at/SecretMemory.h"
#include "session/StaleSessions.h"

namespace {

constexpr int kParentWaitSeconds = 120;  // the probe has its own retry budget under this

// The background child tells its parent how the mount went: "0" or "1<message>".
struct StartupReport {
    int fd = -1;
    void send(bool ok, const std::string& message) {
        if (fd < 0)
            return;
        const std::string out = (ok ? "0" : "1") + message;
        [[maybe_unused]] ssize_t w = ::write(fd, out.data(), out.size());
        ::close(fd);
        fd = -1;
    }
};

int fail(StartupReport& report, const std::string& message) {
    std::fprintf(stderr, "atfs: %s\n", message.c_str());
    report.send(false, message);
    return 1;
}

// Parent side of the fork: wait (bounded) for the child's verdict and exit with it.
int waitForChild(int fd, pid_t child) {
    std::string msg;
    pollfd p{fd, POLLIN, 0};
    char buf[512];
    for (;;) {
        const int r = ::poll(&p, 1, kParentWaitSeconds * 1000);
        if (r <= 0) {
            std::fprintf(stderr, "atfs: the mount did not come up within %d s\n",
                         kParentWaitSeconds);
            ::kill(child, SIGTERM);
            return 1;
        }
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        msg.append(buf, size_t(n));
    }
    if (!msg.empty() && msg[0] == '0')
        return 0;
    int status = 0;
    ::waitpid(child, &status, 0);
    // The child already printed its message to the shared stderr.
    return 1;
}

void onSighup(int) {
    atfs::MetadataCache::requestFlushAll();
}

std::string hostName() {
    char host[HOST_NAME_MAX + 1] = {};
    ::gethostname(host, sizeof host - 1);
    return host;
}

}  // namespace

int main(int argc, char** argv) {
    // One malloc arena: atfs's big buffers (an hour's gzip, ~5 MB; 1 MiB blocks) are made and
    // freed by whichever pool or FUSE worker gets there, and glibc keeps what each thread's
    // arena freed, so RSS grew with the threads that ever held one (fio randread on a cached
    // 1 GB day: 395 MB with the default arenas, 172 MB with one, no slower; a 1 GB cat no
    // slower either). MALLOC_ARENA_MAX in the environment still decides.
    if (!std::getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 1);
    atfs::MountOptions opt;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (std::string err = atfs::parseMountArgs(args, opt); !err.empty()) {
        std::fprintf(stderr, "atfs: %s\n", err.c_str());
        return 2;
    }
    if (opt.help) {
        std::fputs(atfs::usageText().c_str(), stdout);
        return 0;
    }
    if (!opt.printOptions.empty()) {
        std::fputs(atfs::printOptions(opt.printOptions).c_str(), stdout);
        return 0;
    }
    if (opt.version) {
        std::printf("atfs 0.1.0 (libfuse %s)\n", fuse_pkgversion());
        return 0;
    }
    StartupReport report;
    // The daemon holds the API key for its whole life: no core file may carry it.
    if (!at::keepOutOfCoreDumps())
        return fail(report, std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno));
    // In the foreground (or when asked) the log is stderr from the start; a background
    // mount switches to syslog once it has detached, unless -o log= says otherwise.
    const auto level = *at::parseLogLevel(opt.logLevel.value);
    const std::string logTo = !opt.log.value.empty() ? opt.log.value
                              : opt.foreground       ? "stderr"
                                                     : "syslog";
    if (std::string err = atfs::processLog().open(logTo == "syslog" ? "stderr" : logTo, level);
        !err.empty())
        return fail(report, err);

    struct stat st {};
    if (::stat(opt.mountpoint.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(report, "mountpoint " + opt.mountpoint + " is missing or not a directory");
    std::error_code ec;
    const std::string mountpoint = std::filesystem::canonical(opt.mountpoint, ec).string();
    struct stat parent {};
    if (mountpoint != "/" && ::stat((mountpoint + "/..").c_str(), &parent) == 0 &&
        parent.st_dev != st.st_dev)
        return fail(report, "mountpoint " + mountpoint +
                                " is busy: something is already mounted there (fusermount3 -u it)");

    at::Config config;
    try {
        config = at::loadConfig(opt.config.value.empty() ? at::defaultConfigPath()
                                                         : std::filesystem::path(opt.config.value));
    } catch (const at::ApiError& e) {
        return fail(report, e.what());
    }
    if (!opt.endpoint.value.empty())
        config.endpoint = opt.endpoint.value;
    if (!opt.cacert.value.empty())
        config.caCert = opt.cacert.value;
    if (opt.insecure.value)
        config.insecure = true;

    // Fork before any thread or curl initialization: the child inherits neither.
    if (!opt.foreground) {
        int fds[2];
        if (::pipe(fds) != 0)
            return fail(report, std::string("pipe: ") + std::strerror(errno));
        const pid_t child = ::fork();
        if (child < 0)
            return fail(report, std::string("fork: ") + std::strerror(errno));
        if (child > 0) {
            ::close(fds[1]);
            return waitForChild(fds[0], child);
        }
        ::close(fds[0]);
        report.fd = fds[1];
        ::setsid();
    }

    at::ClientOptions clientOptions = at::clientOptionsFrom(config);
    clientOptions.minRateBytesPerSec = long(opt.minRate.value);
    clientOptions.minRateWindowMs = long(opt.minRateSeconds.value) * 1000;
    // 429 on create is waited out once, by SessionLease, where a reader's signal stops it.
    clientOptions.retryLimitReached = false;
    auto client = std::make_shared<at::Client>(clientOptions);
    atfs::HttpBackend backend(client);
    at::SpaceList spaces;
    try {
        client->login();
        spaces = client->spaces();
    } catch (const at::ApiError& e) {
        return fail(report, "cannot log in to " + config.endpoint + ": " + e.what());
    }

    atfs::FsOptions fsOpt = atfs::fsOptionsFrom(opt);
    fsOpt.accountProject = config.spaceGuid;
    const std::string host = hostName();
    fsOpt.tag = atfs::formatTag({host, int(::getpid()), mountpoint});

    if (!spaces.spaces.empty()) {
        const int n =
            atfs::deleteStaleSessions(backend, at::Domain{spaces.spaces.front().guid, false}, host,
                                      int(::getpid()), atfs::isAtfsProcess);
        if (n > 0)
            atfs::logInfo("deleted " + std::to_string(n) + " stale session(s) of crashed mounts");
    }

    atfs::TrailFs fs(backend, fsOpt);

    std::vector<std::string> fuseArgv = {"atfs"};
    std::string fuseOpts = "fsname=atfs,subtype=atfs,ro,default_permissions";
    for (const std::string& o : opt.fuseOptions)
        fuseOpts += "," + o;
    fuseArgv.push_back("-o");
    fuseArgv.push_back(fuseOpts);
    if (opt.debug)
        fuseArgv.push_back("-d");
    std::vector<char*> cargv;
    for (std::string& s : fuseArgv)
        cargv.push_back(s.data());
    fuse_args fargs = FUSE_ARGS_INIT(int(cargv.size()), cargv.data());

    fuse_session* se =
        fuse_session_new(&fargs, &atfs::trailFsOps(), sizeof(fuse_lowlevel_ops), &fs);
    if (!se)
        return fail(report, "bad FUSE options: " + fuseOpts);
    // SIGTERM/SIGINT end the loop through libfuse; SIGHUP flushes our caches instead.
    if (fuse_set_signal_handlers(se) != 0) {
        fuse_session_destroy(se);
        return fail(report, "cannot install signal handlers");
    }
    struct sigaction hup {};
    hup.sa_handler = onSighup;
    ::sigaction(SIGHUP, &hup, nullptr);
    if (fuse_session_mount(se, mountpoint.c_str()) != 0) {
        fuse_remove_signal_handlers(se);
        fuse_session_destroy(se);
        return fail(report, "cannot mount on " + mountpoint +
                                " (busy, not empty, or no permission for /dev/fuse; see above)");
    }
    atfs::KernelNotifier notifier;
    notifier.start(se);
    fs.setInvalidator([&notifier](uint64_t ino) { notifier.invalidate(ino); });

    if (!opt.foreground) {
        report.send(true, "");
        if (logTo == "syslog")
            atfs::processLog().open("syslog", level, opt.syslogSocket.value);
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            if (logTo != "stderr")  // asked for: a service manager reads it
                ::dup2(null, 2);
            if (null > 2)
                ::close(null);
        }
        [[maybe_unused]] int r = ::chdir("/");
    }

    // A worker for every request the kernel may have in flight (KernelLimits.h): readers
    // queued for a session slot never starve the owners, lookups or getattrs.
    fuse_loop_config* loop = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(loop, atfs::kMaxWorkers);
    fuse_loop_cfg_set_idle_threads(loop, atfs::kIdleWorkers);
    const int rc = fuse_session_loop_mt(se, loop);
    fuse_loop_cfg_destroy(loop);

    fs.setInvalidator(nullptr);
    notifier.stop();
    fuse_session_unmount(se);
    fs.shutdown();  // also done by destroy; any session left is deleted here
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    fuse_opt_free_args(&fargs);
    return rc < 0 ? 1 : 0;
}
