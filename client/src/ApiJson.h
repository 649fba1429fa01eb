// The service's JSON replies → our types, and error replies → ApiError. Any reply that is
// not what server/API.md promises becomes ApiError(Protocol), never a crash.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "Http.h"
#include "at/Error.h"
#include "at/Types.h"

namespace at {

// Maps a non-2xx reply: status → ErrorKind, {"error":{"message"}} → the message.
ApiError errorFromReply(const std::string& call, const HttpReply& reply);

// Parses the body; ApiError(Protocol) naming the call when it is not JSON.
nlohmann::json parseReply(const std::string& call, const HttpReply& reply);

// The integer field `key` of `j`, checked to lie in lo..hi; std::runtime_error naming the field
// for anything else (a float like 98e304, a negative size, a string), so no conversion is UB.
int64_t integerField(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi);
uint64_t unsignedField(const nlohmann::json& j, const char* key);  // 0..2^64-1
// The same for an optional field: `fallback` when it is absent.
uint64_t unsignedField(const nlohmann::json& j, const char* key, uint64_t fallback);

SpaceList spacesFromJson(const nlohmann::json& j);
std::vector<DayStatus> statusFromJson(const nlohmann::json& j);
Session sessionFromJson(const nlohmann::json& j);

// The UAA token reply: the bearer token and its lifetime in seconds (3600 when absent).
struct TokenReply {
    std::string token;
    long ttlSeconds = 3600;
};
TokenReply tokenFromJson(const nlohmann::json& j);

// Runs a decoder over a parsed reply, turning a missing field or wrong type into Protocol.
template <class Decode>
auto decodeReply(const std::string& call, const HttpReply& reply, Decode decode) {
    const nlohmann::json j = parseReply(call, reply);
    try {
        return decode(j);
    } catch (const ApiError&) {
        throw;
    } catch (const std::exception& e) {
        throw ApiError(ErrorKind::Protocol, call, int(reply.status),
                       std::string("unexpected reply: ") + e.what());
    }
}

}  // namespace at
