// GET /v3/events (status), POST /v3/events (ingest), DELETE /v3/events (at delete).
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "service/ApiError.h"
#include "service/IngestBody.h"
#include "service/RequestAuth.h"
#include "service/Routes.h"

namespace atd {

namespace {

// "newest": the newest eventTime in whole seconds since the epoch, so a client can date
// its files by their data (mtime) instead of by the clock.
nlohmann::json statJson(uint64_t count, uint64_t size, uint64_t gzipSize, int64_t newestMicros) {
    return {{"count", count},
            {"size", size},
            {"gzip_size", gzipSize},
            {"newest", newestMicros / 1000000}};
}

void status(ServiceContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const User& user = authenticate(ctx, req);
    auto domain = domainFor(user, grantedSpace(user, req), queryBool(req, "AtAccountLevel"));
    auto start = queryDate(req, "start");
    auto end = queryDate(req, "end");
    bool hours = queryBool(req, "hours");
    nlohmann::json days = nlohmann::json::array();
    for (const auto& day : ctx.store.status(domain, start, end)) {
        if (day.count == 0) {
            continue;
        }
        auto entry = statJson(day.count, day.size, day.gzipSize, day.newestMicros);
        entry["date"] = day.date.str();
        if (hours) {
            entry["hours"] = nlohmann::json::array();
            for (int h = 0; h < 24; ++h) {
                const auto& hs = day.hours[size_t(h)];
                if (hs.count > 0) {
                    auto hourEntry = statJson(hs.count, hs.size, hs.gzipSize, hs.newestMicros);
                    hourEntry["hour"] = h;
                    entry["hours"].push_back(hourEntry);
                }
            }
        }
        days.push_back(entry);
    }
    nlohmann::json body = {{"domain", domain}, {"days", days}};
    res.set_content(body.dump() + "\n", "application/json");
}

// Reads the body through a content reader so memory stops at kMaxIngestBytes even when
// httplib inflates a small gzip body into a huge one.
std::string readIngestBody(const httplib::ContentReader& reader) {
    std::string body;
    bool tooLarge = false;
    bool complete = reader([&](const char* data, size_t n) {
        if (body.size() + n > kMaxIngestBytes) {
            tooLarge = true;
            return false;
        }
        body.append(data, n);
        return true;
    });
    if (tooLarge) {
        throw ApiError(413,
                       "ingest body is over 256 MiB (inflated): split it into smaller batches");
    }
    if (!complete) {
        throw ApiError(400,
                       "the ingest body could not be read whole (connection cut, or a corrupt "
                       "gzip body): nothing was stored, post it again");
    }
    return body;
}

void ingest(ServiceContext& ctx, const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) {
    const User& user = authenticate(ctx, req);
    auto domain = domainFor(user, grantedSpace(user, req), queryBool(req, "AtAccountLevel"));
    auto lines = plainIngestBody(readIngestBody(reader), kMaxIngestBytes);
    uint64_t accepted = 0;
    try {
        accepted = ctx.store.ingest(domain, lines);
    } catch (const IngestError& e) {
        ApiError error(400, std::string(e.what()) +
                                " (nothing of this batch was stored; fix "
                                "that line and post the batch again)");
        error.line = e.line();
        throw error;
    }
    res.set_content(nlohmann::json{{"accepted", accepted}}.dump() + "\n", "application/json");
}

void deleteEvents(ServiceContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const User& user = authenticate(ctx, req);
    auto domain = domainFor(user, grantedSpace(user, req), queryBool(req, "AtAccountLevel"));
    auto start = queryDate(req, "start");
    auto end = queryDate(req, "end");
    if (!start || !end) {
        throw ApiError(400, "DELETE /v3/events needs both start and end (YYYY-MM-DD)");
    }
    if (*end < *start) {
        throw ApiError(400, "end " + end->str() + " is before start " + start->str());
    }
    std::optional<int> hour;
    if (req.has_param("SearchTime") && !req.get_param_value("SearchTime").empty()) {
        hour = parseHourOr400(req.get_param_value("SearchTime"), "SearchTime");
    }
    auto freed = ctx.store.deleteRange(domain, *start, *end, hour);
    nlohmann::json body = {
        {"message", std::to_string(freed.count) + " logs were deleted, freeing " +
                        std::to_string(freed.bytes) + " bytes"},
        {"count", freed.count},
        {"bytes", freed.bytes}};
    res.set_content(body.dump() + "\n", "application/json");
}

}  // namespace

void addEventRoutes(httplib::Server& server, ServiceContext& ctx) {
    server.Get("/v3/events", [&ctx](const httplib::Request& req, httplib::Response& res) {
        status(ctx, req, res);
    });
    server.Post("/v3/events",
                [&ctx](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) { ingest(ctx, req, res, reader); });
    server.Delete("/v3/events", [&ctx](const httplib::Request& req, httplib::Response& res) {
        deleteEvents(ctx, req, res);
    });
}

}  // namespace atd
