// The download progress bar on a terminal: bytes done / total, percent, rate, time left.
// Percent is done/total of the gzip download, clamped, so it really ends at 100%
// (the legacy bar compared inflated bytes with the gzip size and printed 245%).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace atctl {

// "29.89 KiB", "1.00 MiB", "512 B"
std::string humanBytes(double bytes);

class ProgressBar {
  public:
    // startOffset: bytes already there before this run (a resumed download).
    ProgressBar(std::FILE* out, uint64_t total, uint64_t startOffset);

    // Redraws at most every 100 ms.
    void update(uint64_t done);
    // Draws the final frame and ends the line.
    void finish(uint64_t done);

    // One frame, without the leading carriage return; exposed for its logic to be plain.
    std::string frame(uint64_t done, double elapsedSeconds) const;

  private:
    void draw(uint64_t done);

    std::FILE* out_;
    uint64_t total_;
    uint64_t startOffset_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_;
    size_t lastWidth_ = 0;
    bool drawn_ = false;
};

}  // namespace atctl
