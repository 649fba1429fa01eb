// storedEventTime reads the top-level eventTime of a stored line without a full JSON parse (the
// merge path reads every stored event's time); it must agree with a real parse on every shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "store/EventBatch.h"

namespace atd::test {
namespace {

int64_t viaParse(const std::string& line) {
    return *at::parseEventTime(nlohmann::json::parse(line)["eventTime"].get<std::string>());
}

TEST(StoredEventTime, AgreesWithAFullParse) {
    const std::string lines[] = {
        // Nested objects before the key, holding their own eventTime.
        nlohmann::json{{"action", {{"eventTime", "2001-01-01T00:00:00Z"}}},
                       {"eventTime", "2017-07-25T10:29:28.54+0000"},
                       {"id", "a"}}
            .dump(),
        // Strings that look like the key, escaped quotes and backslashes before it.
        nlohmann::json{{"aa", "\"eventTime\":\"1999-01-01T00:00:00Z\""},
                       {"ab", "x\\\"y\\"},
                       {"arr", {"{", "[", {{"eventTime", "2002-01-01T00:00:00Z"}}}},
                       {"eventTime", "2017-07-25T23:59:59.999+0000"},
                       {"id", "b"}}
            .dump(),
        R"({"eventTime":"2017-07-25T00:00:00Z","id":"c"})",
    };
    for (const auto& line : lines)
        EXPECT_EQ(storedEventTime(line), viaParse(line)) << line;
}

TEST(StoredEventTime, FallsBackOrRefusesOnOddLines) {
    // An escaped character inside the value: the scan gives up and the real parse decides.
    const std::string escaped = R"({"eventTime":"2017-07-25T10:00:00\u002e5Z","id":"d"})";
    EXPECT_EQ(storedEventTime(escaped), viaParse(escaped));
    EXPECT_THROW(storedEventTime(R"({"id":"e","x":{"eventTime":"2017-07-25T10:00:00Z"}})"),
                 std::runtime_error);
    EXPECT_THROW(storedEventTime("not json"), std::runtime_error);
}

TEST(StoredEventTime, MergeKeepsEventTimeOrder) {
    const std::string older =
        R"({"eventTime":"2017-07-25T10:00:01Z","id":"o1"})"
        "\n"
        R"({"a":{"eventTime":"2017-07-25T10:59:00Z"},"eventTime":"2017-07-25T10:00:03Z","id":"o2"})"
        "\n";
    const std::string newer = R"({"eventTime":"2017-07-25T10:00:02Z","id":"n1"})"
                              "\n";
    const std::string merged = mergeByEventTime(older, newer);
    EXPECT_LT(merged.find("\"o1\""), merged.find("\"n1\""));
    EXPECT_LT(merged.find("\"n1\""), merged.find("\"o2\""));
}

}  // namespace
}  // namespace atd::test
