// The service's range limits, one copy for atd, atctl and atfs's session planning, so what
// atfs plans and atctl advises is what atd accepts (server/API.md, "Range limit").
#pragma once

namespace at {

// Days one download session may cover. IBM's API page says "You cannot download more that
// 15 days per session"; its CLI tutorial "less than 2 weeks". atd takes the API page's 15:
// every request either page allows is then accepted.
inline constexpr int kMaxSessionDays = 15;

// Days a session without dates covers, ending today: "The default value is set to 2 weeks
// ago" (the CLI reference).
inline constexpr int kDefaultSessionDays = 14;

}  // namespace at
