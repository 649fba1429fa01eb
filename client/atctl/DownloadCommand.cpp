// `atctl download [-o FILE] [--inflate] SESSION_ID`: a session's events, as the service sends
// them (gzip of JSON lines) or inflated, to a file or to stdout; resumes a partial -o file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <vector>

#include "AppContext.h"
#include "ErrorReport.h"
#include "ProgressBar.h"

namespace atctl {
namespace {

// Small enough for the progress bar to move on a fast link, big enough to cost nothing.
constexpr size_t kChunk = 64 << 10;

struct Options {
    std::string output;
    std::string sessionId;
    bool inflate = false;
    bool noResume = false;
};

class Output {
  public:
    Output(const std::string& path, bool append) : path_(path) {
        if (path.empty()) {
            fd_ = STDOUT_FILENO;
            return;
        }
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
                     0666);
        if (fd_ < 0) {
            throw LocalFileError("cannot open " + path + " for writing: " + std::strerror(errno));
        }
    }
    ~Output() {
        if (fd_ > STDERR_FILENO) {
            ::close(fd_);
        }
    }
    void write(const char* data, size_t n) {
        while (n > 0) {
            ssize_t w = ::write(fd_, data, n);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                throw LocalFileError("cannot write to " + name() + ": " + std::strerror(errno));
            }
            data += w;
            n -= size_t(w);
        }
    }
    void close() {
        int fd = fd_;
        fd_ = -1;
        if (fd > STDERR_FILENO && ::close(fd) != 0) {
            throw LocalFileError("cannot write to " + name() + ": " + std::strerror(errno));
        }
    }
    std::string name() const { return path_.empty() ? "stdout" : path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

// Bytes of an earlier, interrupted download of this session into the -o file; 0 to start over.
uint64_t resumeOffset(const Options& opts, at::Client& client, const at::Domain& domain) {
    if (opts.output.empty() || opts.inflate || opts.noResume) {
        return 0;
    }
    struct stat st {};
    if (::stat(opts.output.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        return 0;
    }
    at::Session session = client.getSession(domain, opts.sessionId);
    return uint64_t(st.st_size) < session.gzipSize ? uint64_t(st.st_size) : 0;
}

int download(AppContext& ctx, const Options& opts) {
    if (opts.output.empty() && !opts.inflate && ::isatty(STDOUT_FILENO)) {
        throw UsageError(
            "refusing to write gzip data to a terminal — use -o FILE, --inflate, "
            "or a pipe (atctl download ID | gunzip)");
    }
    at::Config config = ctx.loadConfig();
    at::Client client(at::clientOptionsFrom(config));
    at::Domain domain = AppContext::domainOf(config, false);
    at::DownloadMode mode = opts.inflate ? at::DownloadMode::Inflated : at::DownloadMode::Raw;

    uint64_t offset = resumeOffset(opts, client, domain);
    auto stream = client.download(domain, opts.sessionId, mode, offset);
    std::vector<char> buf(kChunk);
    // The first bytes arrive before the output is opened, so an unknown session or a refused
    // call never truncates an existing file.
    size_t n = stream->read(buf.data(), buf.size());
    Output out(opts.output, offset > 0);
    if (offset > 0 && !ctx.json) {
        std::cerr << "Resuming " << opts.output << " at byte " << offset << std::endl;
    }

    // Progress counts gzip bytes against the gzip total in both modes: that is what 100% means.
    auto gzipDone = [&] {
        return mode == at::DownloadMode::Raw ? offset + stream->position() : stream->gzipReceived();
    };
    std::unique_ptr<ProgressBar> bar;
    if (::isatty(STDERR_FILENO)) {
        bar = std::make_unique<ProgressBar>(stderr, stream->gzipTotal(), offset);
        bar->update(offset);
    }
    try {
        while (n > 0) {
            out.write(buf.data(), n);
            if (bar) {
                bar->update(gzipDone());
            }
            n = stream->read(buf.data(), buf.size());
        }
    } catch (const at::ApiError& e) {
        if (opts.output.empty() || opts.inflate) {
            throw;
        }
        if (bar) {
            std::fputc('\n', stderr);
        }
        throw at::ApiError(e.kind(), e.call(), e.httpStatus(),
                           (e.serviceMessage().empty() ? e.what() : e.serviceMessage()) + "; " +
                               std::to_string(offset + stream->position()) + " bytes kept in " +
                               opts.output + ", run the same command again to resume",
                           e.retryAfterSeconds());
    }
    uint64_t total = stream->gzipTotal();
    if (mode == at::DownloadMode::Raw && gzipDone() != total) {
        throw at::ApiError(at::ErrorKind::Integrity, "GET /v3/events/download", 0,
                           "the download ended at byte " + std::to_string(gzipDone()) + " of " +
                               std::to_string(total));
    }
    if (bar) {
        bar->finish(total);
    }
    out.close();

    const char* done = "Download completed successfully";
    if (opts.output.empty()) {
        std::cerr << done << std::endl;
    } else if (ctx.json) {
        AppContext::printJson({{"id", opts.sessionId},
                               {"file", opts.output},
                               {"format", opts.inflate ? "json" : "gzip"},
                               {"bytes", offset + stream->position()},
                               {"resumed_from", offset},
                               {"message", done}});
    } else {
        std::cout << done << std::endl;
    }
    return 0;
}

}  // namespace

void addDownloadCommand(CLI::App& app, AppContext& ctx) {
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "download", "Download a session's events (gzip JSON lines) to a file or stdout");
    cmd->add_option("-o,--output", opts->output,
                    "Write to FILE (a partial FILE from an interrupted download is resumed); "
                    "default: stdout");
    cmd->add_flag("--inflate", opts->inflate, "Write the JSON lines instead of gzip");
    cmd->add_flag("--no-resume", opts->noResume, "Start over even when FILE is a partial download");
    cmd->add_option("SESSION_ID", opts->sessionId, "Session ID (atctl session list)")->required();
    cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return download(ctx, *opts); }; });
}

}  // namespace atctl
