#include "at/SafeText.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "at/BoundedJson.h"

namespace {

TEST(Printable, KeepsValidUtf8AndEscapesTheRest) {
    EXPECT_EQ(at::printable("caf\xc3\xa9 ok"), "caf\xc3\xa9 ok");
    EXPECT_EQ(at::printable("/%FF\xff"), "/%FF\\xff");
    EXPECT_EQ(at::printable("a\nb\x7f"), "a\\x0ab\\x7f");
    EXPECT_EQ(at::printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a UTF-16 surrogate
    EXPECT_EQ(at::printable("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
    EXPECT_EQ(at::printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST(Printable, CutsLongInputAndStaysValid) {
    const std::string out = at::printable(std::string(1000, 'x') + "\xff", 16);
    EXPECT_EQ(out, std::string(16, 'x') + "...");
    // A cut never splits a sequence: dump() accepts whatever comes out.
    for (std::size_t max = 0; max < 12; ++max) {
        const std::string s = at::printable("\xe2\x82\xac\xe2\x82\xac\xff\xe2\x82\xac", max);
        EXPECT_NO_THROW((void)nlohmann::json(s).dump()) << max;
    }
}

TEST(BoundedJson, ParsesUpToTheLimitAndRejectsDeeper) {
    const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    EXPECT_NO_THROW((void)at::parseBoundedJson(nested(64)));
    EXPECT_THROW((void)at::parseBoundedJson(nested(65)), at::JsonTooDeep);
    EXPECT_THROW((void)at::parseBoundedJson(std::string(100000, '[')), at::JsonTooDeep);
    EXPECT_THROW((void)at::parseBoundedJson("{\"a\":"), nlohmann::json::parse_error);
    try {
        (void)at::parseBoundedJson("{\"SearchTime\":" + nested(200) + "}");
        FAIL();
    } catch (const at::JsonTooDeep& e) {
        EXPECT_STREQ(e.what(), "JSON nested deeper than 64 levels");
    }
    EXPECT_EQ(at::parseBoundedJson(R"({"a":[1,{"b":2}]})")["a"][1]["b"], 2);
}

}  // namespace
