// JSON from outside (request bodies, ingest lines, service replies) parsed with a nesting
// limit. nlohmann's parser is iterative, but dump() and the comparison operators recurse, so a
// value 100,000 levels deep overflows the stack the first time a message quotes it.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace at {

inline constexpr int kMaxJsonDepth = 64;

// Thrown by parseBoundedJson when the input nests deeper than its limit; what() names it.
class JsonTooDeep : public std::runtime_error {
  public:
    explicit JsonTooDeep(int limit);
    int limit() const { return limit_; }

  private:
    int limit_;
};

// Parses text like nlohmann::json::parse (throwing nlohmann::json::parse_error on bad syntax),
// and throws JsonTooDeep as soon as an object or array opens at a depth over maxDepth.
nlohmann::json parseBoundedJson(std::string_view text, int maxDepth = kMaxJsonDepth);

}  // namespace at
