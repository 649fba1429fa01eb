// GET /v3/events (status), POST /v3/events (ingest), DELETE /v3/events (at delete).
#include "http/Router.h"

#include <nlohmann/json.hpp>

#include "service/ApiError.h"
#include "service/EventQuery.h"
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

// The query and (documented form) JSON body of a status or delete call, read together.
EventQuery eventQueryOf(const http::Request& req) {
    QueryFields query;
    for (const char* name : kEventQueryFields) {
        if (req.has_param(name)) {
            query[name] = req.get_param_value(name);
        }
    }
    return parseEventQuery(query, req.body);
}

void status(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    auto asked = eventQueryOf(req);
    auto domain = domainFor(user, grantedSpace(user, req), asked.accountLevel);
    bool hours = queryBool(req, "hours");
    nlohmann::json days = nlohmann::json::array();
    for (const auto& day : ctx.store.status(domain, asked.start, asked.end)) {
        // With SearchTime a day is that one hour of it.
        HourStat stat = asked.hour ? day.hours[size_t(*asked.hour)]
                                   : HourStat{day.count, day.size, day.gzipSize, day.newestMicros};
        if (stat.count == 0) {
            continue;
        }
        auto entry = statJson(stat.count, stat.size, stat.gzipSize, stat.newestMicros);
        entry["date"] = day.date.str();
        if (hours) {
            entry["hours"] = nlohmann::json::array();
            for (int h = 0; h < 24; ++h) {
                const auto& hs = day.hours[size_t(h)];
                if (hs.count > 0 && (!asked.hour || h == *asked.hour)) {
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
std::string readIngestBody(const http::ContentReader& reader) {
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

void ingest(ServiceContext& ctx, const http::Request& req, http::Response& res,
            const http::ContentReader& reader) {
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

void deleteEvents(ServiceContext& ctx, const http::Request& req, http::Response& res) {
    const User& user = authenticate(ctx, req);
    auto asked = eventQueryOf(req);
    auto domain = domainFor(user, grantedSpace(user, req), asked.accountLevel);
    if (!asked.start || !asked.end) {
        std::string message =
            "DELETE /v3/events needs both start and end (YYYY-MM-DD), in the query or the JSON "
            "body";
        // NodeJS sends a DELETE's body with neither header unless told (IBM's delete sample):
        // by HTTP/1.1 that request has no body.
        if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
            message +=
                "; this request has no body: a body needs a Content-Length or "
                "'Transfer-Encoding: chunked' header";
        }
        throw ApiError(400, message);
    }
    auto freed = ctx.store.deleteRange(domain, *asked.start, *asked.end, asked.hour);
    nlohmann::json body = {
        {"message", std::to_string(freed.count) + " logs were deleted, freeing " +
                        std::to_string(freed.bytes) + " bytes"},
        {"count", freed.count},
        {"bytes", freed.bytes}};
    res.set_content(body.dump() + "\n", "application/json");
}

}  // namespace

void addEventRoutes(http::Router& server, ServiceContext& ctx) {
    server.Get("/v3/events",
               [&ctx](const http::Request& req, http::Response& res) { status(ctx, req, res); });
    server.Post("/v3/events",
                [&ctx](const http::Request& req, http::Response& res,
                       const http::ContentReader& reader) { ingest(ctx, req, res, reader); });
    server.Delete("/v3/events", [&ctx](const http::Request& req, http::Response& res) {
        deleteEvents(ctx, req, res);
    });
}

}  // namespace atd
