#include "ProgressBar.h"

#include <gtest/gtest.h>

namespace {

TEST(HumanBytes, Units) {
    EXPECT_EQ(atctl::humanBytes(0), "0 B");
    EXPECT_EQ(atctl::humanBytes(1023), "1023 B");
    EXPECT_EQ(atctl::humanBytes(1024), "1.00 KiB");
    EXPECT_EQ(atctl::humanBytes(30607), "29.89 KiB");
    EXPECT_EQ(atctl::humanBytes(3.5 * 1024 * 1024), "3.50 MiB");
}

TEST(ProgressBar, HalfWay) {
    atctl::ProgressBar bar(stderr, 2048, 0);
    EXPECT_EQ(bar.frame(1024, 1.0),
              " 1.00 KiB / 2.00 KiB [================>               ] 50.00% 1.00 KiB/s 1s");
}

TEST(ProgressBar, EndsAtExactly100Percent) {
    atctl::ProgressBar bar(stderr, 12483, 0);
    std::string end = bar.frame(12483, 0.5);
    EXPECT_NE(end.find("[================================] 100.00%"), std::string::npos) << end;
    EXPECT_NE(end.find(" 0s"), std::string::npos) << end;
}

TEST(ProgressBar, NeverPastTheTotal) {
    // The legacy bar divided inflated bytes by the gzip size and printed 245.14%.
    atctl::ProgressBar bar(stderr, 12483, 0);
    std::string frame = bar.frame(30607, 1.0);
    EXPECT_NE(frame.find("100.00%"), std::string::npos) << frame;
    EXPECT_NE(frame.find("12.19 KiB / 12.19 KiB"), std::string::npos) << frame;
}

TEST(ProgressBar, RateCountsOnlyThisRunsBytes) {
    // Resumed at 1 MiB of 2 MiB: 512 KiB in 1 s is 512 KiB/s, 512 KiB left is 1 s.
    atctl::ProgressBar bar(stderr, 2 << 20, 1 << 20);
    std::string frame = bar.frame((1 << 20) + (512 << 10), 1.0);
    EXPECT_NE(frame.find("75.00% 512.00 KiB/s 1s"), std::string::npos) << frame;
}

TEST(ProgressBar, EmptyDownloadIsComplete) {
    atctl::ProgressBar bar(stderr, 0, 0);
    EXPECT_NE(bar.frame(0, 0).find("100.00%"), std::string::npos);
}

TEST(ProgressBar, UnknownTimeLeftBeforeAnyByte) {
    atctl::ProgressBar bar(stderr, 1000, 0);
    std::string frame = bar.frame(0, 0);
    EXPECT_NE(frame.find("0.00% 0 B/s --"), std::string::npos) << frame;
}

}  // namespace
