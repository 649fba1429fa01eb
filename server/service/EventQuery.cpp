#include "service/EventQuery.h"

#include <nlohmann/json.hpp>

#include "at/BoundedJson.h"
#include "service/ApiError.h"
#include "service/RequestAuth.h"

namespace atd {

namespace {

nlohmann::json parseBody(const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return nlohmann::json::object();
    }
    nlohmann::json body;
    try {
        body = at::parseBoundedJson(text);
    } catch (const std::exception& e) {
        throw ApiError(400, std::string("malformed JSON body: ") + e.what());
    }
    if (!body.is_object()) {
        throw ApiError(400,
                       "malformed JSON body: expected an object like "
                       "{\"start\":\"2018-06-28\",\"end\":\"2018-06-28\",\"AtAccountLevel\":false,"
                       "\"SearchTime\":\"\"}");
    }
    for (const auto& [name, value] : body.items()) {
        bool known = false;
        for (const char* field : kEventQueryFields) {
            known = known || name == field;
        }
        if (!known) {
            throw ApiError(400, "unknown field \"" + name +
                                    "\" in the JSON body: only start, end, AtAccountLevel and "
                                    "SearchTime are understood");
        }
    }
    return body;
}

std::optional<std::string> queryText(const QueryFields& query, const char* field) {
    auto it = query.find(field);
    return it == query.end() ? std::nullopt : std::optional(it->second);
}

std::optional<at::Date> dateFrom(const std::optional<std::string>& text, const char* field) {
    if (!text || text->empty()) {
        return std::nullopt;
    }
    return parseDateOr400(*text, field);
}

std::optional<at::Date> bodyDate(const nlohmann::json& body, const char* field) {
    if (!body.contains(field) || body[field].is_null()) {
        return std::nullopt;
    }
    if (!body[field].is_string()) {
        throw ApiError(400, std::string("bad date in ") + field + ": " + body[field].dump() +
                                " must be a string YYYY-MM-DD");
    }
    return dateFrom(body[field].get<std::string>(), field);
}

std::optional<bool> boolFrom(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    if (*text == "true" || *text == "false") {
        return *text == "true";
    }
    throw ApiError(400, "AtAccountLevel must be true or false, not \"" + *text + "\"");
}

std::optional<bool> bodyBool(const nlohmann::json& body) {
    if (!body.contains("AtAccountLevel") || body["AtAccountLevel"].is_null()) {
        return std::nullopt;
    }
    const auto& v = body["AtAccountLevel"];
    if (v.is_boolean()) {
        return v.get<bool>();
    }
    if (v.is_string()) {
        return boolFrom(v.get<std::string>());
    }
    throw ApiError(400, "AtAccountLevel must be true or false, not " + v.dump());
}

std::optional<int> hourFrom(const std::optional<std::string>& text) {
    if (!text || text->empty()) {
        return std::nullopt;
    }
    return parseHourOr400(*text, "SearchTime");
}

std::optional<int> bodyHour(const nlohmann::json& body) {
    if (!body.contains("SearchTime") || body["SearchTime"].is_null()) {
        return std::nullopt;
    }
    const auto& v = body["SearchTime"];
    if (v.is_string()) {
        return hourFrom(v.get<std::string>());
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 23) {
        return int(v.get<int64_t>());
    }
    throw ApiError(400, "bad hour in SearchTime: " + v.dump() + " must be an hour 0..23");
}

std::string shown(const std::optional<at::Date>& d) {
    return d ? d->str() : "not given";
}
std::string shown(const std::optional<bool>& b) {
    return b ? (*b ? "true" : "false") : "";
}
std::string shown(const std::optional<int>& h) {
    return h ? std::to_string(*h) : "not given";
}

// The one value of a field given in the query, the body, or both (then they must agree).
template <typename T>
std::optional<T> agreed(const char* field, const std::optional<T>& fromQuery,
                        const std::optional<T>& fromBody) {
    if (fromQuery && fromBody && *fromQuery != *fromBody) {
        throw ApiError(400, std::string(field) + " is " + shown(fromQuery) + " in the query but " +
                                shown(fromBody) +
                                " in the JSON body: send it once, or the same in both");
    }
    return fromQuery ? fromQuery : fromBody;
}

}  // namespace

EventQuery parseEventQuery(const QueryFields& query, const std::string& bodyText) {
    nlohmann::json body = parseBody(bodyText);
    EventQuery out;
    out.start =
        agreed("start", dateFrom(queryText(query, "start"), "start"), bodyDate(body, "start"));
    out.end = agreed("end", dateFrom(queryText(query, "end"), "end"), bodyDate(body, "end"));
    out.accountLevel =
        agreed("AtAccountLevel", boolFrom(queryText(query, "AtAccountLevel")), bodyBool(body))
            .value_or(false);
    out.hour = agreed("SearchTime", hourFrom(queryText(query, "SearchTime")), bodyHour(body));
    if (out.start && out.end && *out.end < *out.start) {
        throw ApiError(400, "end " + out.end->str() + " is before start " + out.start->str());
    }
    return out;
}

}  // namespace atd
