// Plain values of the v3 API (see server/API.md), shared by libatclient, atctl and atfs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "at/Time.h"

namespace at {

struct Space {
    std::string guid;
    std::string name;
    std::string org;
};

struct SpaceList {
    std::string user;
    bool accountAccess = false;
    std::vector<Space> spaces;
};

// Where a call acts: X-Auth-Project-Id, and the account domain when accountLevel.
struct Domain {
    std::string projectId;
    bool accountLevel = false;
};

struct HourStatus {
    int hour = 0;
    uint64_t count = 0;
    uint64_t size = 0;      // inflated bytes
    uint64_t gzipSize = 0;  // download bytes
    int64_t newest = 0;     // newest eventTime, seconds since the epoch; 0: not reported
};

struct DayStatus {
    Date date;
    uint64_t count = 0;
    uint64_t size = 0;
    uint64_t gzipSize = 0;
    std::vector<HourStatus> hours;  // only when asked for, only non-empty hours
    int64_t newest = 0;             // as HourStatus::newest
};

struct SessionRequest {
    std::optional<Date> start;  // both empty: the last 14 days
    std::optional<Date> end;
    std::optional<int> hour;  // SearchTime
    bool accountLevel = false;
    std::string tag;
};

struct Session {
    std::string id;
    std::string space;
    std::string username;
    std::string createTime;
    std::string accessTime;
    Date start;
    Date end;
    bool accountLevel = false;
    std::optional<int> hour;
    uint64_t count = 0;
    uint64_t size = 0;
    uint64_t gzipSize = 0;
    std::string tag;
};

struct IngestResult {
    uint64_t accepted = 0;
};

struct DeleteResult {
    std::string message;  // "N logs were deleted, freeing M bytes"
    uint64_t count = 0;
    uint64_t bytes = 0;
};

}  // namespace at
