// A download session: a date range of one domain, owned by one user, pinning the exact
// bytes its download sends. Knows its two JSON forms: the API object and the file on disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "at/Time.h"
#include "store/Store.h"

namespace atd {

struct Session {
    std::string id;        // random UUID v4
    std::string space;     // X-Auth-Project-Id it was created in
    std::string username;  // owner
    std::string domain;    // kAccountDomain or the space GUID
    bool accountLevel = false;
    at::Date start;
    at::Date end;
    std::optional<int> hour;  // SearchTime
    std::string tag;
    int64_t createNanos = 0;
    int64_t accessNanos = 0;
    Snapshot snapshot;
};

// The session object of API.md.
nlohmann::json toApiJson(const Session& session);
// What DATA/sessions/ID.json holds: everything, snapshot included, to survive a restart.
nlohmann::json toFileJson(const Session& session);
// Throws std::runtime_error (or nlohmann::json::exception) on a malformed file.
Session sessionFromFileJson(const nlohmann::json& j);

// A random (v4) UUID from OpenSSL's RNG.
std::string newSessionId();
// Session ids are UUIDs; anything else never names a file.
bool isValidSessionId(const std::string& id);

}  // namespace atd
