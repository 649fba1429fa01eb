// Test hours for fs/read: inflated text like the service's events, and its gzip members made
// with zlib at a chosen level, with optional header fields, so tests know the ground truth.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hourdata {

// JSON lines with repeating keys and random values: deflates about as the trail does.
inline std::string events(size_t bytes, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s;
    s.reserve(bytes + 256);
    static const char* kActions[] = {"login", "logout", "read", "update", "delete", "create"};
    while (s.size() < bytes) {
        s += R"({"eventTime":"2026-12-01T10:)" + std::to_string(rng() % 60) + ":" +
             std::to_string(rng() % 60) + R"(.)" + std::to_string(rng() % 1000) +
             R"(Z","action":")" + kActions[rng() % 6] + R"(","initiator":{"id":"user-)" +
             std::to_string(rng() % 5000) + R"("},"target":{"id":")" + std::to_string(rng()) +
             R"("},"outcome":")" + (rng() % 9 ? "success" : "failure") + "\"}\n";
    }
    s.resize(bytes);
    return s;
}

inline std::string randomBytes(size_t bytes, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(bytes, '\0');
    for (char& c : s)
        c = char(rng());
    return s;
}

struct HeaderFields {
    bool extra = false, name = false, comment = false, hcrc = false;
};

// One gzip member of `data` at zlib `level` (0: stored blocks).
inline std::string member(std::string_view data, int level, HeaderFields f = {}) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    gz_header h{};
    std::string extra = "AT\x04\x00xyzw", name = "hour.json", comment = "a test member";
    if (f.extra || f.name || f.comment || f.hcrc) {
        if (f.extra) {
            h.extra = reinterpret_cast<Bytef*>(extra.data());
            h.extra_len = uInt(extra.size());
        }
        if (f.name)
            h.name = reinterpret_cast<Bytef*>(name.data());
        if (f.comment)
            h.comment = reinterpret_cast<Bytef*>(comment.data());
        h.hcrc = f.hcrc;
        deflateSetHeader(&z, &h);
    }
    std::string out(deflateBound(&z, uLong(data.size())) + 1024, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        throw std::runtime_error("deflate");
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

struct Hour {
    std::string plain;
    std::string gz;
    size_t members = 0;
};

// `pieces` of plain text, each its own member at `level`.
inline Hour hour(const std::vector<std::string>& pieces, int level, HeaderFields f = {}) {
    Hour h;
    for (const std::string& p : pieces) {
        h.plain += p;
        h.gz += member(p, level, f);
        ++h.members;
    }
    return h;
}

}  // namespace hourdata
