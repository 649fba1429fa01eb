#include "ProgressBar.h"

#include <algorithm>
#include <cmath>

namespace atctl {
namespace {

constexpr int kBarWidth = 32;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return "--";
    }
    auto s = uint64_t(std::llround(seconds));
    if (s < 60) {
        return std::to_string(s) + "s";
    }
    if (s < 3600) {
        return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
    }
    return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

std::string humanBytes(double bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char buf[32];
    if (unit == 0) {
        std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    } else {
        std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[unit]);
    }
    return buf;
}

ProgressBar::ProgressBar(std::FILE* out, uint64_t total, uint64_t startOffset)
    : out_(out),
      total_(total),
      startOffset_(startOffset),
      start_(std::chrono::steady_clock::now()),
      lastDraw_(start_) {}

std::string ProgressBar::frame(uint64_t done, double elapsedSeconds) const {
    done = std::min(done, total_);
    double fraction = total_ == 0 ? 1.0 : double(done) / double(total_);
    int filled = int(fraction * kBarWidth);
    std::string bar(size_t(filled), '=');
    if (filled < kBarWidth) {
        bar += '>';
        bar += std::string(size_t(kBarWidth - filled - 1), ' ');
    }
    uint64_t transferred = done > startOffset_ ? done - startOffset_ : 0;
    double rate = elapsedSeconds > 0 ? double(transferred) / elapsedSeconds : 0;
    double left = done >= total_ ? 0 : (rate > 0 ? double(total_ - done) / rate : -1);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.2f%%", fraction * 100);
    // Appended piece by piece: `" " + std::string&&` chains trip GCC 12's false -Wrestrict
    // (GCC bug 105329) at -O3.
    std::string out = " ";
    out += humanBytes(double(done));
    out += " / ";
    out += humanBytes(double(total_));
    out += " [";
    out += bar;
    out += "] ";
    out += pct;
    out += ' ';
    out += humanBytes(rate);
    out += "/s ";
    out += formatDuration(left);
    return out;
}

void ProgressBar::update(uint64_t done) {
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - lastDraw_ < kRedrawInterval) {
        return;
    }
    lastDraw_ = now;
    draw(done);
}

void ProgressBar::finish(uint64_t done) {
    draw(done);
    std::fputc('\n', out_);
    std::fflush(out_);
}

void ProgressBar::draw(uint64_t done) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string text = frame(done, elapsed);
    size_t width = text.size();
    // Blank out what a longer previous frame left behind.
    if (width < lastWidth_) {
        text += std::string(lastWidth_ - width, ' ');
    }
    lastWidth_ = width;
    drawn_ = true;
    std::fprintf(out_, "\r%s", text.c_str());
    std::fflush(out_);
}

}  // namespace atctl
