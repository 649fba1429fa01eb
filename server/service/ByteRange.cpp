#include "service/ByteRange.h"

#include <charconv>

namespace atd {

namespace {

std::optional<uint64_t> parseNumber(std::string_view text) {
    uint64_t value = 0;
    if (text.empty()) {
        return std::nullopt;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

RangeDecision decideRange(const std::string& header, uint64_t total) {
    constexpr std::string_view prefix = "bytes=";
    std::string_view spec(header);
    while (!spec.empty() && spec.front() == ' ') {
        spec.remove_prefix(1);
    }
    if (spec.substr(0, prefix.size()) != prefix || spec.find(',') != std::string_view::npos) {
        return {};
    }
    spec.remove_prefix(prefix.size());
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return {};
    }
    auto firstText = spec.substr(0, dash);
    auto lastText = spec.substr(dash + 1);
    if (firstText.empty()) {  // suffix range: the last K bytes
        auto suffix = parseNumber(lastText);
        if (!suffix) {
            return {};
        }
        if (*suffix == 0 || total == 0) {
            return {RangeKind::Unsatisfiable, {}};
        }
        uint64_t k = std::min(*suffix, total);
        return {RangeKind::Partial, {total - k, total - 1}};
    }
    auto first = parseNumber(firstText);
    if (!first) {
        return {};
    }
    uint64_t last = total == 0 ? 0 : total - 1;
    if (!lastText.empty()) {
        auto parsed = parseNumber(lastText);
        if (!parsed || *parsed < *first) {
            return {};
        }
        last = std::min(*parsed, last);
    }
    if (*first >= total) {
        return {RangeKind::Unsatisfiable, {}};
    }
    return {RangeKind::Partial, {*first, last}};
}

}  // namespace atd
