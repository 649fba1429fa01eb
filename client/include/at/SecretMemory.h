// The API key must not outlive its use in memory a core dump or another process can read.
// atfs and atctl mark themselves not dumpable (no core file, no ptrace by an unprivileged
// process) and wipe the buffers that held the key when they are done with them.
#pragma once

#include <string>

namespace at {

// prctl(PR_SET_DUMPABLE, 0) for the whole process (kept across fork); false if it failed.
bool keepOutOfCoreDumps();

// Overwrites every byte `secret` owns, its spare capacity included, in a way the compiler may
// not drop (explicit_bzero), then empties it.
void wipe(std::string& secret);

// Wipes a string when it goes out of scope (exceptions included).
class WipeOnExit {
  public:
    explicit WipeOnExit(std::string& secret) : secret_(secret) {}
    ~WipeOnExit() { wipe(secret_); }
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

  private:
    std::string& secret_;
};

}  // namespace at
