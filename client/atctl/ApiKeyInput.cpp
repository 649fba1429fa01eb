#include "ApiKeyInput.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "ErrorReport.h"
#include "at/SecretMemory.h"

namespace atctl {
namespace {

// The key lives in one buffer from the first byte read to the caller: trimmed in place, read
// with read(2) (no stdio or filebuf buffer keeps a copy), and room reserved up front so no
// reallocation leaves a copy behind. What is left in spare capacity goes with at::wipe.
constexpr size_t kMaxKeyBytes = 4096;

void trimInPlace(std::string& s) {
    const char* space = " \t\r\n";
    const auto last = s.find_last_not_of(space);
    s.resize(last == std::string::npos ? 0 : last + 1);
    s.erase(0, std::min(s.size(), s.find_first_not_of(space)));
}

// The first line of `fd`, read a byte at a time so nothing past it is consumed or buffered.
std::string firstLine(int fd) {
    std::string line;
    line.reserve(kMaxKeyBytes);
    char c;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        if (line.size() == kMaxKeyBytes) {
            at::wipe(line);
            throw UsageError("the API key is longer than " + std::to_string(kMaxKeyBytes) +
                             " bytes: check that the input is the key alone");
        }
        line += c;
    }
    ::explicit_bzero(&c, sizeof c);
    trimInPlace(line);
    return line;
}

// Ctrl-C at the prompt must not leave the terminal without echo.
int gPromptTty = -1;
termios gSavedTermios{};

void restoreEchoAndDie(int sig) {
    ::tcsetattr(gPromptTty, TCSANOW, &gSavedTermios);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

std::string promptWithoutEcho() {
    int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) {
        throw UsageError("no API key: set ATFS_APIKEY, use --apikey-file F, or pipe it on stdin");
    }
    // Echo goes off before the prompt appears, so nothing typed after it can be echoed;
    // TCSANOW keeps what was already typed instead of flushing it.
    termios saved{};
    bool restore = ::tcgetattr(tty, &saved) == 0;
    if (restore) {
        gPromptTty = tty;
        gSavedTermios = saved;
        ::signal(SIGINT, restoreEchoAndDie);
        ::signal(SIGTERM, restoreEchoAndDie);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(tty, TCSANOW, &quiet);
    }
    const char prompt[] = "API key: ";
    (void)!::write(tty, prompt, sizeof prompt - 1);
    std::string key = firstLine(tty);
    if (restore) {
        ::tcsetattr(tty, TCSANOW, &saved);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
    }
    (void)!::write(tty, "\n", 1);
    ::close(tty);
    return key;
}

}  // namespace

std::string readApiKey(const std::string& apikeyFile) {
    std::string key;
    if (const char* env = std::getenv("ATFS_APIKEY"); env && env[0]) {
        key.reserve(std::strlen(env));
        key = env;
        trimInPlace(key);
    } else if (!apikeyFile.empty()) {
        const int fd = ::open(apikeyFile.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw LocalFileError("cannot read API key file " + apikeyFile + ": " +
                                 std::strerror(errno));
        }
        key = firstLine(fd);
        ::close(fd);
    } else if (!::isatty(STDIN_FILENO)) {
        key = firstLine(STDIN_FILENO);
    } else {
        key = promptWithoutEcho();
    }
    if (key.empty()) {
        throw UsageError("empty API key: set ATFS_APIKEY, use --apikey-file F, or type it");
    }
    return key;
}

}  // namespace atctl
