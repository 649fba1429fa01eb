// The demo's random source: splitmix64, so a seed gives the same bytes on every platform and
// standard library (std::uniform_*_distribution may differ between them).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace atd::demo {

// FNV-1a: a string hash that, unlike std::hash, is the same everywhere.
inline uint64_t stableHash(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s)
        h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
    return h;
}

class Random {
  public:
    explicit Random(uint64_t seed) : state_(seed) {}
    // A stream of its own for each (seed, a, b, …), independent of the order work is done in.
    static Random derived(uint64_t seed, std::initializer_list<uint64_t> parts);

    uint64_t next();
    uint64_t below(uint64_t n) { return uint64_t((__uint128_t(next()) * n) >> 64); }
    bool percent(unsigned p) { return below(100) < p; }
    template <typename T, size_t N>
    const T& pick(const T (&items)[N]) {
        return items[below(N)];
    }
    std::string uuid();              // version-4 layout, lowercase
    std::string hex(size_t digits);  // lowercase

  private:
    uint64_t state_;
};

}  // namespace atd::demo
