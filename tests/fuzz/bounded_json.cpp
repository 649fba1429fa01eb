// at::parseBoundedJson(): outside JSON with a nesting limit. Contract: it accepts exactly
// what nlohmann accepts within the limit, with the same value, never nests deeper, and what
// it returns can be dumped (the recursion the limit protects).
#include <vector>

#include "FuzzCheck.h"
#include "at/BoundedJson.h"

namespace {

int depthOf(const nlohmann::json& root) {
    int deepest = 0;
    std::vector<std::pair<const nlohmann::json*, int>> todo{{&root, 0}};
    while (!todo.empty()) {
        auto [j, depth] = todo.back();
        todo.pop_back();
        if (!j->is_structured())
            continue;
        deepest = std::max(deepest, depth + 1);
        for (const auto& child : *j)
            todo.push_back({&child, depth + 1});
    }
    return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = fuzz::text(data, size);
    // Small limits make the edge reachable with short inputs.
    const int limit = size > 0 ? 1 + data[0] % 8 : at::kMaxJsonDepth;
    nlohmann::json bounded;
    try {
        bounded = at::parseBoundedJson(text, limit);
    } catch (const at::JsonTooDeep& e) {
        fuzz::require(e.limit() == limit, "JsonTooDeep names another limit");
        return 0;
    } catch (const nlohmann::json::parse_error&) {
        fuzz::require(!nlohmann::json::accept(text), "parseBoundedJson rejects valid JSON",
                      text.substr(0, 200));
        return 0;
    } catch (const nlohmann::json::out_of_range&) {
        // 1e999: nlohmann reports a number overflow as out_of_range, not parse_error, so a
        // caller that catches only parse_error answers 500 (issue 9); the input is still bad.
        fuzz::require(!nlohmann::json::accept(text), "parseBoundedJson rejects valid JSON",
                      text.substr(0, 200));
        return 0;
    }
    fuzz::require(depthOf(bounded) <= limit, "parseBoundedJson returned JSON over its limit");
    fuzz::require(bounded == nlohmann::json::parse(text),
                  "parseBoundedJson and nlohmann disagree on a value");
    (void)bounded.dump();
    return 0;
}
