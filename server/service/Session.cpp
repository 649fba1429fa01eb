#include "service/Session.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace atd {

nlohmann::json toApiJson(const Session& s) {
    return {
        {"id", s.id},
        {"space", s.space},
        {"username", s.username},
        {"create-time", at::formatRfc3339Nanos(s.createNanos)},
        {"access-time", at::formatRfc3339Nanos(s.accessNanos)},
        {"date-range", {{"Start", s.start.str()}, {"End", s.end.str()}}},
        {"types", {{"Type", "ActivityTracker"}, {"AtAccountLevel", s.accountLevel}}},
        {"search-time", s.hour ? std::to_string(*s.hour) : std::string()},
        {"count", s.snapshot.count},
        {"size", s.snapshot.size},
        {"gzip-size", s.snapshot.gzipSize},
        {"tag", s.tag},
    };
}

nlohmann::json toFileJson(const Session& s) {
    nlohmann::json segments = nlohmann::json::array();
    for (const auto& seg : s.snapshot.segments) {
        segments.push_back({{"file", seg.file}, {"length", seg.length}});
    }
    return {
        {"id", s.id},
        {"space", s.space},
        {"username", s.username},
        {"domain", s.domain},
        {"account_level", s.accountLevel},
        {"start", s.start.str()},
        {"end", s.end.str()},
        {"hour", s.hour ? nlohmann::json(*s.hour) : nlohmann::json()},
        {"tag", s.tag},
        {"create_nanos", s.createNanos},
        {"access_nanos", s.accessNanos},
        {"snapshot",
         {{"count", s.snapshot.count},
          {"size", s.snapshot.size},
          {"gzip_size", s.snapshot.gzipSize},
          {"segments", segments}}},
    };
}

Session sessionFromFileJson(const nlohmann::json& j) {
    Session s;
    s.id = j.at("id").get<std::string>();
    s.space = j.at("space").get<std::string>();
    s.username = j.at("username").get<std::string>();
    s.domain = j.at("domain").get<std::string>();
    s.accountLevel = j.at("account_level").get<bool>();
    auto start = at::Date::parse(j.at("start").get<std::string>());
    auto end = at::Date::parse(j.at("end").get<std::string>());
    if (!start || !end || !isValidSessionId(s.id)) {
        throw std::runtime_error("bad id, start or end");
    }
    s.start = *start;
    s.end = *end;
    if (!j.at("hour").is_null()) {
        s.hour = j.at("hour").get<int>();
    }
    s.tag = j.value("tag", "");
    s.createNanos = j.at("create_nanos").get<int64_t>();
    s.accessNanos = j.at("access_nanos").get<int64_t>();
    const auto& snap = j.at("snapshot");
    s.snapshot.count = snap.at("count").get<uint64_t>();
    s.snapshot.size = snap.at("size").get<uint64_t>();
    s.snapshot.gzipSize = snap.at("gzip_size").get<uint64_t>();
    for (const auto& seg : snap.at("segments")) {
        s.snapshot.segments.push_back(
            {seg.at("file").get<std::string>(), seg.at("length").get<uint64_t>()});
    }
    return s;
}

std::string newSessionId() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed: no random bytes for a session id");
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    static const char* digits = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            id += '-';
        }
        id += digits[b[i] >> 4];
        id += digits[b[i] & 15];
    }
    return id;
}

bool isValidSessionId(const std::string& id) {
    if (id.size() != 36) {
        return false;
    }
    for (size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = id[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace atd
