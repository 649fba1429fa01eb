#include "store/CrashPoint.h"

#include <atomic>

namespace atd {
namespace {
std::atomic<testing::CrashHook> gHook{nullptr};
}

void crashPoint(const char* stage) {
    if (auto hook = gHook.load(std::memory_order_acquire))
        hook(stage);
}

void testing::setCrashHook(CrashHook hook) {
    gHook.store(hook, std::memory_order_release);
}

}  // namespace atd
