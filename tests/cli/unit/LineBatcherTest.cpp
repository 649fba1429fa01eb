#include "LineBatcher.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

TEST(LineBatcher, SplitsAtLineBoundariesWithinTheLimit) {
    std::istringstream in("aaa\nbbb\nccc\nddd\n");
    atctl::LineBatcher batcher(in, 8);
    auto first = batcher.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->text, "aaa\nbbb\n");
    EXPECT_EQ(first->firstLine, 1u);
    EXPECT_EQ(first->lineCount, 2u);
    auto second = batcher.next();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->text, "ccc\nddd\n");
    EXPECT_EQ(second->firstLine, 3u);
    EXPECT_FALSE(batcher.next());
}

TEST(LineBatcher, ALongLineGoesAlone) {
    std::istringstream in("a\nthis-line-is-long\nb\n");
    atctl::LineBatcher batcher(in, 4);
    EXPECT_EQ(batcher.next()->text, "a\n");
    auto longOne = batcher.next();
    EXPECT_EQ(longOne->text, "this-line-is-long\n");
    EXPECT_EQ(longOne->firstLine, 2u);
    auto last = batcher.next();
    EXPECT_EQ(last->text, "b\n");
    EXPECT_EQ(last->firstLine, 3u);
    EXPECT_FALSE(batcher.next());
}

TEST(LineBatcher, LastLineWithoutNewlineGetsOne) {
    std::istringstream in("x\ny");
    atctl::LineBatcher batcher(in, 1 << 20);
    auto batch = batcher.next();
    EXPECT_EQ(batch->text, "x\ny\n");
    EXPECT_EQ(batch->lineCount, 2u);
    EXPECT_FALSE(batcher.next());
}

TEST(LineBatcher, EveryByteArrivesOnceInOrder) {
    std::string input;
    for (int i = 0; i < 1000; ++i) {
        input += std::string(size_t(i % 37), char('a' + i % 26)) + "\n";
    }
    std::istringstream in(input);
    atctl::LineBatcher batcher(in, 100);
    std::string joined;
    uint64_t expectedFirst = 1;
    while (auto batch = batcher.next()) {
        EXPECT_LE(batch->text.size(), 100u);
        EXPECT_EQ(batch->firstLine, expectedFirst);
        expectedFirst += batch->lineCount;
        joined += batch->text;
    }
    EXPECT_EQ(joined, input);
    EXPECT_EQ(expectedFirst, 1001u);
}

TEST(LineBatcher, EmptyInputHasNoBatch) {
    std::istringstream in("");
    atctl::LineBatcher batcher(in, 10);
    EXPECT_FALSE(batcher.next());
}

TEST(LineNumberInInput, RebasesTheServicesBatchLineNumber) {
    EXPECT_EQ(atctl::lineNumberInInput("line 3: no eventTime", 1), "line 3: no eventTime");
    EXPECT_EQ(atctl::lineNumberInInput("line 3: no eventTime", 1001), "line 1003: no eventTime");
    EXPECT_EQ(atctl::lineNumberInInput("bad_request: line 2: bad id", 11),
              "bad_request: line 12: bad id");
    EXPECT_EQ(atctl::lineNumberInInput("body too large", 1001), "body too large");
    EXPECT_EQ(atctl::lineNumberInInput("deadline 5: x", 1001), "deadline 5: x");
}

}  // namespace
