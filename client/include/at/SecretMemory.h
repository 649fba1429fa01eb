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

// A string for a secret (the API key in Config and ClientOptions): its bytes are wiped when it
// is destroyed, assigned over or moved from (a moved-from short string keeps its bytes in
// place), so every copy that lives in one is gone once the last owner is.
class SecretString : public std::string {
  public:
    SecretString() = default;
    SecretString(std::string text) : std::string(std::move(text)) { wipe(text); }
    SecretString(const char* text) : std::string(text) {}
    SecretString(const SecretString& other) = default;
    SecretString(SecretString&& other) noexcept : std::string(std::move(other)) { wipe(other); }
    SecretString& operator=(const SecretString& other) {
        if (this != &other) {
            wipe(*this);
            std::string::operator=(other);
        }
        return *this;
    }
    SecretString& operator=(SecretString&& other) noexcept {
        if (this != &other) {
            wipe(*this);
            std::string::operator=(std::move(other));
            wipe(other);
        }
        return *this;
    }
    ~SecretString() { wipe(*this); }
    const std::string& str() const { return *this; }
};

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
