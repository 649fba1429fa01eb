#include "demo/DemoRandom.h"

namespace atd::demo {

uint64_t Random::next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Random Random::derived(uint64_t seed, std::initializer_list<uint64_t> parts) {
    Random r(seed);
    uint64_t mixed = r.next();
    for (uint64_t p : parts) {
        Random step(mixed ^ (p * 0x2545f4914f6cdd1dULL));
        mixed = step.next();
    }
    return Random(mixed);
}

std::string Random::hex(size_t digits) {
    static const char kHex[] = "0123456789abcdef";
    std::string out(digits, '0');
    uint64_t bits = 0;
    for (size_t i = 0; i < digits; ++i) {
        if (i % 16 == 0)
            bits = next();
        out[i] = kHex[bits & 15];
        bits >>= 4;
    }
    return out;
}

std::string Random::uuid() {
    std::string h = hex(32);
    h[12] = '4';
    h[16] = "89ab"[below(4)];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

}  // namespace atd::demo
