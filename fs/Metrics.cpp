#include "Metrics.h"

#include <cstdio>
#include <map>

#include "Backend.h"

namespace atfs {

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

// Label values escape backslash, quote and newline; our domain keys are GUIDs or "account",
// but the format is the format.
std::string labelValue(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

class Writer {
  public:
    void header(const std::string& name, const char* type, const char* help) {
        out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    void sample(const std::string& name, double v, const std::string& labels = "") {
        out_ += name + (labels.empty() ? "" : "{" + labels + "}") + " " + number(v) + "\n";
    }
    void counter(const std::string& name, uint64_t v, const char* help) {
        header(name, "counter", help);
        sample(name, double(v));
    }
    void gauge(const std::string& name, double v, const char* help) {
        header(name, "gauge", help);
        sample(name, v);
    }
    void histogram(const std::string& name, const Histogram& h, const char* help) {
        header(name, "histogram", help);
        const Histogram::Snapshot s = h.snapshot();
        for (size_t i = 0; i < s.bounds.size(); ++i)
            sample(name + "_bucket", double(s.cumulative[i]), "le=\"" + number(s.bounds[i]) + "\"");
        sample(name + "_bucket", double(s.cumulative.back()), "le=\"+Inf\"");
        sample(name + "_sum", s.sumSeconds);
        sample(name + "_count", double(s.cumulative.back()));
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

}  // namespace

std::string renderMetrics(const MetricsInput& in) {
    const Stats& s = in.stats;
    Writer w;
    w.counter("atfs_sessions_created_total", s.sessionsCreated, "download sessions created");
    w.counter("atfs_sessions_deleted_total", s.sessionsDeleted, "download sessions deleted");
    w.counter("atfs_download_bytes_total", s.bytesIn,
              "bytes received from the service (gzip, as sent)");
    w.counter("atfs_read_bytes_total", s.bytesOut, "bytes handed to readers");
    w.counter("atfs_errors_total", s.errors, "failed service calls a reader or listing saw");
    w.counter("atfs_stream_restarts_total", s.restarts,
              "streams restarted by a far seek (a re-download)");
    w.counter("atfs_window_reads_total", s.windowReads,
              "backward reads served from the read window");
    w.counter("atfs_skip_aheads_total", s.skips, "forward seeks reached by reading on");
    w.counter("atfs_session_queue_waits_total", s.gateWaits,
              "session creations that queued for a slot (max_sessions)");
    w.counter("atfs_session_limit_waits_total", s.limitWaits,
              "429s of the service's session limit waited out as Retry-After says");
    w.counter("atfs_files_opened_total", s.filesOpened, "data files opened");
    const read::CacheCounters& d = in.read.cache;
    w.gauge("atfs_disk_cache_bytes", double(d.bytes), "bytes in the disk cache of hours");
    w.gauge("atfs_disk_cache_max_bytes", double(in.read.cacheMaxBytes),
            "the disk cache's bound (0: off)");
    w.counter("atfs_disk_cache_hits_total", d.hits, "hours read from the disk cache");
    w.counter("atfs_disk_cache_misses_total", d.misses, "hours not in the disk cache");
    w.counter("atfs_disk_cache_corrupt_total", d.corrupt,
              "disk cache entries that failed their check (deleted, fetched again)");
    w.counter("atfs_disk_cache_stale_total", d.stale,
              "disk cache entries whose hour changed on the service (late events)");
    w.counter("atfs_disk_cache_evictions_total", d.evictions,
              "disk cache entries removed to stay under cache_size");
    const read::EngineCounters& e = in.read.engine;
    w.counter("atfs_engine_hour_fetches_total", e.hoursFetched,
              "hours fetched with a Range request on a session");
    w.counter("atfs_engine_range_bytes_total", e.rangeBytes, "gzip bytes fetched by Range");
    w.counter("atfs_engine_fallbacks_total", e.fallbacks,
              "files sent back to the sequential path: the service's bytes disagreed with the map");
    w.gauge("atfs_memory_used_bytes", double(in.memoryUsed), "memory held by read windows");
    w.gauge("atfs_memory_budget_bytes", double(in.memoryBudget),
            "memory all read windows may hold (memory_budget)");
    w.gauge("atfs_session_slots_per_domain", in.sessionSlotsPerDomain,
            "live sessions a domain may hold before reads queue (max_sessions)");
    std::map<std::string, int> perDomain;
    for (const LiveSession& l : in.live)
        perDomain[domainKey(l.domain)]++;
    w.header("atfs_live_sessions", "gauge", "download sessions open now, by domain");
    for (auto& [domain, n] : perDomain)
        w.sample("atfs_live_sessions", n, "domain=\"" + labelValue(domain) + "\"");
    w.histogram("atfs_read_duration_seconds", s.readSeconds,
                "time to answer one read of a data file");
    w.histogram("atfs_session_queue_wait_seconds", s.queueWaitSeconds,
                "time a reader waited in line for a session slot (max_sessions)");
    w.histogram("atfs_download_first_byte_seconds", s.firstByteSeconds,
                "time from a download request to its first byte");
    return w.take();
}

}  // namespace atfs
