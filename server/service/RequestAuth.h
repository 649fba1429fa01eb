// Who is calling and on which domain: token check (401), space grant and account access
// (403), and the small query parsers every /v3 route shares (400).
#pragma once

#include <optional>
#include <string>

#include "at/Time.h"
#include "http/Request.h"
#include "service/ServiceContext.h"

namespace atd {

// The caller of a /v3 route, from X-Auth-Token; ApiError 401 if missing, unknown or expired.
const User& authenticate(const ServiceContext& ctx, const http::Request& req);

// X-Auth-Project-Id, which must be a space the user is granted (else ApiError 403).
std::string grantedSpace(const User& user, const http::Request& req);

// The domain a call acts on: the account (needs account access, else 403) or the space.
std::string domainFor(const User& user, const std::string& space, bool accountLevel);

// Query parameter `name` as true/false; absent → fallback; anything else → ApiError 400.
bool queryBool(const http::Request& req, const char* name, bool fallback = false);
// Query parameter `name` as YYYY-MM-DD; absent or empty → nullopt; a bad date → ApiError 400.
std::optional<at::Date> queryDate(const http::Request& req, const char* name);
// A date text (from a query or a body) → Date, or ApiError 400 naming the field.
at::Date parseDateOr400(const std::string& text, const char* field);
// An hour "0".."23"; anything else → ApiError 400 naming the field.
int parseHourOr400(const std::string& text, const char* field);

}  // namespace atd
