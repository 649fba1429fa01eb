#include "ApiJson.h"

#include <stdexcept>

#include "at/BoundedJson.h"
#include "at/SafeText.h"

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
    return ErrorKind::Protocol;  // 1xx/3xx: not something this API ever answers
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

[[noreturn]] void badNumber(const json& value, const char* key, const std::string& range) {
    throw std::runtime_error(std::string("field \"") + key + "\" is " +
                             printable(value.dump(), 40) + ", not an integer " + range);
}

Date dateField(const json& j, const char* key) {
    const auto text = j.at(key).get<std::string>();
    auto date = Date::parse(text);
    if (!date)
        throw std::runtime_error(std::string("bad date in \"") + key + "\": " + text);
    return *date;
}

std::optional<int> hourField(const json& j) {
    if (j.is_number()) {
        const json holder = {{"search-time", j}};
        return int(integerField(holder, "search-time", 0, 23));
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
        return parseBoundedJson(reply.body);
    } catch (const JsonTooDeep& e) {
        throw ApiError(ErrorKind::Protocol, call, int(reply.status),
                       std::string("reply is not usable JSON: ") + e.what());
    } catch (const json::exception& e) {
        throw ApiError(ErrorKind::Protocol, call, int(reply.status),
                       "reply is not JSON: " + excerpt(reply.body));
    }
}

int64_t integerField(const json& j, const char* key, int64_t lo, int64_t hi) {
    const json& v = j.at(key);
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (v.is_number_unsigned()) {
        if (v.get<uint64_t>() > uint64_t(hi))
            badNumber(v, key, range);
        return int64_t(v.get<uint64_t>());
    }
    if (!v.is_number_integer())
        badNumber(v, key, range);
    const int64_t n = v.get<int64_t>();
    if (n < lo || n > hi)
        badNumber(v, key, range);
    return n;
}

uint64_t unsignedField(const json& j, const char* key) {
    const json& v = j.at(key);
    if (!v.is_number_unsigned())  // a negative integer is number_integer, a float number_float
        badNumber(v, key, "0..18446744073709551615");
    return v.get<uint64_t>();
}

uint64_t unsignedField(const json& j, const char* key, uint64_t fallback) {
    return j.contains(key) ? unsignedField(j, key) : fallback;
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

// `newest` is seconds since the epoch; the last second of 9999 bounds it (atd's date range).
constexpr int64_t kMaxNewest = 253402300799;

std::vector<DayStatus> statusFromJson(const json& j) {
    std::vector<DayStatus> days;
    for (const auto& d : j.at("days")) {
        DayStatus day;
        day.date = dateField(d, "date");
        day.count = unsignedField(d, "count");
        day.size = unsignedField(d, "size");
        day.gzipSize = unsignedField(d, "gzip_size");
        day.newest = d.contains("newest") ? integerField(d, "newest", 0, kMaxNewest)
                                          : 0;  // older services do not send it
        if (d.contains("hours")) {
            for (const auto& h : d.at("hours")) {
                HourStatus hour;
                hour.hour = int(integerField(h, "hour", 0, 23));
                hour.count = unsignedField(h, "count");
                hour.size = unsignedField(h, "size");
                hour.gzipSize = unsignedField(h, "gzip_size");
                hour.newest = h.contains("newest") ? integerField(h, "newest", 0, kMaxNewest) : 0;
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
    s.count = unsignedField(j, "count", 0);
    s.size = unsignedField(j, "size", 0);
    s.gzipSize = unsignedField(j, "gzip-size", 0);
    if (j.contains("tag") && j["tag"].is_string())
        s.tag = j["tag"].get<std::string>();
    return s;
}

TokenReply tokenFromJson(const json& j) {
    TokenReply reply;
    reply.token = j.at("access_token").get<std::string>();
    if (reply.token.empty())
        throw std::runtime_error("empty access_token");
    // At most a year (atd's --token-ttl cap): the caller's ttl * 1000 cannot overflow.
    if (j.contains("expires_in"))
        reply.ttlSeconds = long(integerField(j, "expires_in", 0, 86400L * 366));
    return reply;
}

}  // namespace at
