// The body of POST /v3/sessions turned into a validated date range, hour and tag, with the
// defaults of API.md. Every rejection says which field is wrong and why.
#pragma once

#include <optional>
#include <string>

#include "at/ApiLimits.h"
#include "at/Time.h"

namespace atd {

struct SessionRequest {
    at::Date start;
    at::Date end;
    std::optional<bool> accountLevel;  // absent: the query parameter decides
    std::optional<int> hour;
    std::string tag;
};

inline constexpr size_t kMaxTagBytes = 128;

// Throws ApiError 400 on malformed JSON, an unknown field, a bad date, end before start, more than
// at::kMaxSessionDays days, a bad hour or a bad tag. `today` is injected so the defaults are
// testable.
SessionRequest parseSessionRequest(const std::string& body, at::Date today);

}  // namespace atd
