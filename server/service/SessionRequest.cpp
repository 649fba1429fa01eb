#include "service/SessionRequest.h"

#include <nlohmann/json.hpp>

#include "at/BoundedJson.h"
#include "at/SafeText.h"
#include "service/ApiError.h"
#include "service/RequestAuth.h"

namespace atd {

namespace {

std::optional<at::Date> optionalDate(const nlohmann::json& body, const char* field) {
    if (!body.contains(field) || body[field].is_null()) {
        return std::nullopt;
    }
    if (!body[field].is_string()) {
        throw ApiError(400,
                       std::string("bad date in ") + field + ": it must be a string YYYY-MM-DD");
    }
    auto text = body[field].get<std::string>();
    if (text.empty()) {
        return std::nullopt;
    }
    return parseDateOr400(text, field);
}

std::optional<int> optionalHour(const nlohmann::json& body) {
    if (!body.contains("SearchTime") || body["SearchTime"].is_null()) {
        return std::nullopt;
    }
    const auto& v = body["SearchTime"];
    if (v.is_string()) {
        auto text = v.get<std::string>();
        return text.empty() ? std::nullopt : std::optional(parseHourOr400(text, "SearchTime"));
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 23) {
        return int(v.get<int64_t>());
    }
    throw ApiError(400,
                   "bad hour in SearchTime: " + at::printable(v.dump()) + " must be an hour 0..23");
}

}  // namespace

SessionRequest parseSessionRequest(const std::string& text, at::Date today) {
    nlohmann::json body = nlohmann::json::object();
    if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
        try {
            body = at::parseBoundedJson(text);
        } catch (const at::JsonTooDeep& e) {
            throw ApiError(400, std::string("malformed JSON body: ") + e.what());
        } catch (const nlohmann::json::exception& e) {
            throw ApiError(400, "malformed JSON body: " + at::printable(e.what(), 200));
        }
    }
    if (!body.is_object()) {
        throw ApiError(400,
                       "malformed JSON body: expected an object like "
                       "{\"start\":\"2017-07-25\",\"end\":\"2017-07-25\"}");
    }
    // A field atd would ignore is refused: the caller meant something by it.
    for (const auto& [name, value] : body.items()) {
        if (name != "start" && name != "end" && name != "AtAccountLevel" && name != "SearchTime" &&
            name != "tag") {
            throw ApiError(400, "unknown field \"" + name +
                                    "\" in the JSON body: only start, end, AtAccountLevel, "
                                    "SearchTime and tag are understood");
        }
    }
    SessionRequest out;
    auto start = optionalDate(body, "start");
    auto end = optionalDate(body, "end");
    if (!start && !end) {
        end = today;
        start = today.plusDays(-(at::kDefaultSessionDays - 1));
    } else if (!end) {
        end = std::max(*start, std::min(start->plusDays(at::kDefaultSessionDays - 1), today));
    } else if (!start) {
        start = std::max(at::Date::earliest(), end->plusDays(-(at::kDefaultSessionDays - 1)));
    }
    if (*end < *start) {
        throw ApiError(400, "end " + end->str() + " is before start " + start->str());
    }
    at::DayRange range{*start, *end};
    if (range.dayCount() > at::kMaxSessionDays) {
        throw ApiError(400, "the range " + start->str() + ".." + end->str() + " is " +
                                std::to_string(range.dayCount()) +
                                " days; a session covers at most " +
                                std::to_string(at::kMaxSessionDays) + " days: split it");
    }
    out.start = *start;
    out.end = *end;
    if (body.contains("AtAccountLevel") && !body["AtAccountLevel"].is_null()) {
        const auto& v = body["AtAccountLevel"];
        if (v.is_boolean()) {
            out.accountLevel = v.get<bool>();
        } else if (v.is_string() && (v == "true" || v == "false")) {
            out.accountLevel = v == "true";
        } else {
            throw ApiError(400,
                           "AtAccountLevel must be true or false, not " + at::printable(v.dump()));
        }
    }
    out.hour = optionalHour(body);
    if (body.contains("tag") && !body["tag"].is_null()) {
        if (!body["tag"].is_string() || body["tag"].get<std::string>().size() > kMaxTagBytes) {
            throw ApiError(400, "tag must be a string of at most 128 bytes");
        }
        out.tag = body["tag"].get<std::string>();
    }
    return out;
}

}  // namespace atd
