#include "ControlFiles.h"

#include <nlohmann/json.hpp>

namespace atfs {

std::string renderStatus(const std::string& endpoint, const at::SpaceList* spaces,
                         const MetadataCache::State& cache, int maxSessions, const std::string& tag,
                         const ReadStatus& read) {
    nlohmann::json j;
    j["endpoint"] = endpoint;
    j["tag"] = tag;
    j["max_sessions_per_domain"] = maxSessions;
    if (spaces) {
        j["user"] = spaces->user;
        j["account_access"] = spaces->accountAccess;
        nlohmann::json domains = nlohmann::json::array();
        if (spaces->accountAccess)
            domains.push_back({{"path", "account"}, {"domain", "account"}});
        for (const at::Space& s : spaces->spaces)
            domains.push_back({{"path", "spaces/" + s.org + "/" + s.name}, {"domain", s.guid}});
        j["domains"] = domains;
    } else {
        j["user"] = nullptr;
        j["error"] = "the service did not answer; see the log";
    }
    nlohmann::json c;
    c["spaces_age_seconds"] = cache.spacesAgeSeconds;
    for (auto& [key, v] : cache.domains)
        c["domains"][key] = {{"age_seconds", v.first}, {"days", v.second}};
    j["cache"] = c;
    const read::CacheCounters& d = read.cache;
    const uint64_t lookups = d.hits + d.misses;
    j["disk_cache"] = {{"enabled", read.diskCache},
                       {"dir", read.cacheDir},
                       {"max_bytes", read.cacheMaxBytes},
                       {"bytes", d.bytes},
                       {"entries", d.entries},
                       {"hits", d.hits},
                       {"misses", d.misses},
                       {"hit_rate", lookups ? double(d.hits) / double(lookups) : 0.0},
                       {"corrupt", d.corrupt},
                       {"stale", d.stale},
                       {"evictions", d.evictions},
                       {"writes", d.writes}};
    const read::EngineCounters& e = read.engine;
    j["read_engine"] = {{"inflate_threads", read.inflateThreads},
                        {"files", e.filesOpened},
                        {"fallbacks", e.fallbacks},
                        {"hours_fetched", e.hoursFetched},
                        {"hours_from_cache", e.hoursFromCache},
                        {"range_bytes", e.rangeBytes}};
    return j.dump(2) + "\n";
}

std::string renderSessions(const std::vector<LiveSession>& sessions) {
    nlohmann::json j = nlohmann::json::array();
    for (const LiveSession& s : sessions)
        j.push_back({{"id", s.id},
                     {"file", s.file},
                     {"domain", domainKey(s.domain)},
                     {"bytes", s.bytes->load()}});
    return j.dump(2) + "\n";
}

std::string renderStats(const Stats& s, uint64_t memoryUsed, uint64_t memoryTotal) {
    nlohmann::json j = {{"sessions_created", s.sessionsCreated.load()},
                        {"sessions_deleted", s.sessionsDeleted.load()},
                        {"bytes_in", s.bytesIn.load()},
                        {"bytes_out", s.bytesOut.load()},
                        {"errors", s.errors.load()},
                        {"stream_restarts", s.restarts.load()},
                        {"window_reads", s.windowReads.load()},
                        {"skip_aheads", s.skips.load()},
                        {"session_queue_waits", s.gateWaits.load()},
                        {"files_opened", s.filesOpened.load()},
                        {"live_follows", s.follows.load()},
                        {"memory_used", memoryUsed},
                        {"memory_budget", memoryTotal}};
    return j.dump(2) + "\n";
}

}  // namespace atfs
