#include "service/RequestAuth.h"

#include "http/Router.h"

#include <algorithm>
#include <cctype>

#include "at/SafeText.h"
#include "service/ApiError.h"

namespace atd {

namespace {

bool startsWithNoCase(const std::string& text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

}  // namespace

const User& authenticate(const ServiceContext& ctx, const http::Request& req) {
    auto token = req.get_header_value("X-Auth-Token");
    if (startsWithNoCase(token, "bearer ")) {
        token.erase(0, 7);
    }
    while (!token.empty() && token.front() == ' ') {
        token.erase(0, 1);
    }
    if (token.empty()) {
        throw ApiError(401,
                       "no X-Auth-Token header: get a token from POST "
                       "/UAALoginServerWAR/oauth/token and send it as 'bearer TOKEN'");
    }
    auto name = ctx.tokens.userOf(token);
    const User* user = name ? ctx.users.findByName(*name) : nullptr;
    if (!user) {
        throw ApiError(401, "the X-Auth-Token is unknown or expired: log in again for a new one");
    }
    return *user;
}

std::string grantedSpace(const User& user, const http::Request& req) {
    auto space = req.get_header_value("X-Auth-Project-Id");
    if (space.empty()) {
        throw ApiError(403,
                       "no X-Auth-Project-Id header: send the GUID of one of your spaces "
                       "(GET /v3/spaces lists them)");
    }
    if (!user.grants(space)) {
        throw ApiError(403, "user " + user.name + " is not granted space " + at::printable(space) +
                                " (GET /v3/spaces lists the spaces you may use)");
    }
    return space;
}

std::string domainFor(const User& user, const std::string& space, bool accountLevel) {
    if (!accountLevel) {
        return space;
    }
    if (!user.accountAccess) {
        throw ApiError(403, "user " + user.name +
                                " has no account-level access: use AtAccountLevel=false to act "
                                "on space " +
                                space);
    }
    return kAccountDomain;
}

bool queryBool(const http::Request& req, const char* name, bool fallback) {
    if (!req.has_param(name)) {
        return fallback;
    }
    auto value = req.get_param_value(name);
    if (value == "true") {
        return true;
    }
    if (value == "false") {
        return false;
    }
    throw ApiError(400, std::string("query parameter ") + name + "=" + at::printable(value) +
                            " must be true or false");
}

at::Date parseDateOr400(const std::string& text, const char* field) {
    auto date = at::Date::parse(text);
    if (!date) {
        throw ApiError(400, std::string("bad date in ") + field + ": \"" + at::printable(text) +
                                "\" is not a real UTC day YYYY-MM-DD");
    }
    return *date;
}

std::optional<at::Date> queryDate(const http::Request& req, const char* name) {
    if (!req.has_param(name) || req.get_param_value(name).empty()) {
        return std::nullopt;
    }
    return parseDateOr400(req.get_param_value(name), name);
}

int parseHourOr400(const std::string& text, const char* field) {
    auto hour = at::parseHour(text);
    if (!hour) {
        throw ApiError(400, std::string("bad hour in ") + field + ": \"" + at::printable(text) +
                                "\" must be an hour 0..23");
    }
    return *hour;
}

}  // namespace atd
