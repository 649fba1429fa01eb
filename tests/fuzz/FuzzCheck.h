// What every fuzz target shares: the bytes as text, and the checks that turn a broken
// contract into a crash libFuzzer records (an abort with one line saying which contract).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace fuzz {

inline std::string_view text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(const char* contract, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz contract broken: %s: %.*s\n", contract, int(detail.size()),
                 detail.data());
    std::abort();
}

inline void require(bool ok, const char* contract, std::string_view detail = {}) {
    if (!ok)
        fail(contract, detail);
}

// atd puts every error message into {"error":{"code","message"}} with nlohmann's dump(),
// which throws on invalid UTF-8 (the crash of issue 9): a message must serialise as it is.
inline void requireReplyable(int status, const std::string& message) {
    try {
        const nlohmann::json body = {{"error", {{"code", status}, {"message", message}}}};
        (void)body.dump();
    } catch (const nlohmann::json::exception& e) {
        fail("an error message atd would send cannot be serialised", e.what());
    }
}

}  // namespace fuzz
