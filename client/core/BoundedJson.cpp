#include "at/BoundedJson.h"

#include <string>

namespace at {

JsonTooDeep::JsonTooDeep(int limit)
    : std::runtime_error("JSON nested deeper than " + std::to_string(limit) + " levels"),
      limit_(limit) {}

nlohmann::json parseBoundedJson(std::string_view text, int maxDepth) {
    // The callback sees each object/array start with the depth it opens at (0 for the root).
    const nlohmann::json::parser_callback_t limitDepth =
        [maxDepth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
            if ((event == nlohmann::json::parse_event_t::object_start ||
                 event == nlohmann::json::parse_event_t::array_start) &&
                depth >= maxDepth) {
                throw JsonTooDeep(maxDepth);
            }
            return true;
        };
    return nlohmann::json::parse(text.begin(), text.end(), limitDepth);
}

}  // namespace at
