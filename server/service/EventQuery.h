// What GET /v3/events (status) and DELETE /v3/events (at delete) are asked, from the query
// parameters and the optional JSON body together. IBM's pages send the body
// ({"start","end","AtAccountLevel","SearchTime"}); atd's own clients send the query. Both may
// be given; a field given in both must agree, and an unknown body field is refused by name,
// so a caller is never answered a question it did not ask.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "at/Time.h"

namespace atd {

struct EventQuery {
    std::optional<at::Date> start;
    std::optional<at::Date> end;
    bool accountLevel = false;
    std::optional<int> hour;  // SearchTime: that hour of each day only
};

// The query parameters a route read: name → value (absent names are not in the map).
using QueryFields = std::map<std::string, std::string>;

// The parameter names parseEventQuery reads from a query.
inline constexpr const char* kEventQueryFields[] = {"start", "end", "AtAccountLevel", "SearchTime"};

// Throws ApiError 400 naming the field for: malformed or too deeply nested JSON, a body that
// is not an object, an unknown body field, a bad date/boolean/hour, a field whose query and
// body values differ, and end before start. A blank body is no body. An empty string (or
// null) for a date or SearchTime means "not given", as in the documented `"SearchTime":""`.
EventQuery parseEventQuery(const QueryFields& query, const std::string& body);

}  // namespace atd
