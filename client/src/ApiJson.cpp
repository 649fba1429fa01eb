#include "ApiJson.h"

#include <stdexcept>

namespace at {
namespace {

using nlohmann::json;

ErrorKind kindOfStatus(long status) {
    switch (status) {
        case 401:
            return ErrorKind::Auth;
        case 403:
            return ErrorKind::Forbidden;
        case 404:
            return ErrorKind::NotFound;
        case 429:
            return ErrorKind::LimitReached;
        default:
            break;
    }
    if (status >= 500)
        return ErrorKind::Server;
    if (status >= 400)
        return ErrorKind::BadRequest;
    return ErrorKind::Integrity;  // 1xx/3xx: not something this API ever answers
}

// A one-line excerpt of a non-JSON error body (a proxy's HTML page, say).
std::string excerpt(const std::string& body) {
    std::string line = body.substr(0, std::min<size_t>(body.size(), 200));
    for (char& c : line) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    }
    return line;
}

Date dateField(const json& j, const char* key) {
    const auto text = j.at(key).get<std::string>();
    auto date = Date::parse(text);
    if (!date)
        throw std::runtime_error(std::string("bad date in \"") + key + "\": " + text);
    return *date;
}

std::optional<int> hourField(const json& j) {
    if (j.is_number_integer()) {
        const int hour = j.get<int>();
        if (hour < 0 || hour > 23)
            throw std::runtime_error("bad search-time");
        return hour;
    }
    const auto text = j.get<std::string>();
    if (text.empty())
        return std::nullopt;
    auto hour = parseHour(text);
    if (!hour)
        throw std::runtime_error("bad search-time: " + text);
    return hour;
}

}  // namespace

ApiError errorFromReply(const std::string& call, const HttpReply& reply) {
    std::string message;
    std::string code;
    try {
        const json j = json::parse(reply.body);
        const json& error = j.at("error");
        message = error.at("message").get<std::string>();
        // The code is for programs (ApiError::serviceCode); the message is already the one
        // line the service wrote for a person, and the status says the same thing as the code.
        if (error.contains("code") && error["code"].is_string())
            code = error["code"].get<std::string>();
    } catch (const std::exception&) {
        message = reply.body.empty() ? std::string() : excerpt(reply.body);
    }
    const long status = reply.status;
    if (status >= 200 && status < 300)
        message = "unexpected status " + std::to_string(status);
    return ApiError(kindOfStatus(status), call, int(status), message,
                    reply.retryAfterSeconds.value_or(0), code);
}

json parseReply(const std::string& call, const HttpReply& reply) {
    try {
        return json::parse(reply.body);
    } catch (const json::exception& e) {
        throw ApiError(ErrorKind::Integrity, call, int(reply.status),
                       "reply is not JSON: " + excerpt(reply.body));
    }
}

SpaceList spacesFromJson(const json& j) {
    SpaceList list;
    list.user = j.value("user", std::string());
    list.accountAccess = j.value("account_access", false);
    for (const auto& s : j.at("spaces")) {
        list.spaces.push_back(Space{s.at("guid").get<std::string>(),
                                    s.at("name").get<std::string>(),
                                    s.at("org").get<std::string>()});
    }
    return list;
}

std::vector<DayStatus> statusFromJson(const json& j) {
    std::vector<DayStatus> days;
    for (const auto& d : j.at("days")) {
        DayStatus day;
        day.date = dateField(d, "date");
        day.count = d.at("count").get<uint64_t>();
        day.size = d.at("size").get<uint64_t>();
        day.gzipSize = d.at("gzip_size").get<uint64_t>();
        if (d.contains("hours")) {
            for (const auto& h : d.at("hours")) {
                HourStatus hour;
                hour.hour = h.at("hour").get<int>();
                if (hour.hour < 0 || hour.hour > 23)
                    throw std::runtime_error("bad hour");
                hour.count = h.at("count").get<uint64_t>();
                hour.size = h.at("size").get<uint64_t>();
                hour.gzipSize = h.at("gzip_size").get<uint64_t>();
                day.hours.push_back(hour);
            }
        }
        days.push_back(std::move(day));
    }
    return days;
}

Session sessionFromJson(const json& j) {
    Session s;
    s.id = j.at("id").get<std::string>();
    if (s.id.empty())
        throw std::runtime_error("empty session id");
    s.space = j.value("space", std::string());
    s.username = j.value("username", std::string());
    s.createTime = j.value("create-time", std::string());
    s.accessTime = j.value("access-time", std::string());
    const json& range = j.at("date-range");
    s.start = dateField(range, "Start");
    s.end = dateField(range, "End");
    if (j.contains("types"))
        s.accountLevel = j["types"].value("AtAccountLevel", false);
    if (j.contains("search-time"))
        s.hour = hourField(j["search-time"]);
    s.count = j.value("count", uint64_t(0));
    s.size = j.value("size", uint64_t(0));
    s.gzipSize = j.value("gzip-size", uint64_t(0));
    if (j.contains("tag") && j["tag"].is_string())
        s.tag = j["tag"].get<std::string>();
    return s;
}

TokenReply tokenFromJson(const json& j) {
    TokenReply reply;
    reply.token = j.at("access_token").get<std::string>();
    if (reply.token.empty())
        throw std::runtime_error("empty access_token");
    if (j.contains("expires_in"))
        reply.ttlSeconds = j["expires_in"].get<long>();
    return reply;
}

}  // namespace at
