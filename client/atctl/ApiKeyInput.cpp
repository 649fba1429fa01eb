#include "ApiKeyInput.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ErrorReport.h"

namespace atctl {
namespace {

std::string trim(std::string s) {
    const char* space = " \t\r\n";
    auto first = s.find_first_not_of(space);
    if (first == std::string::npos) {
        return {};
    }
    auto last = s.find_last_not_of(space);
    return s.substr(first, last - first + 1);
}

std::string firstLine(std::istream& in) {
    std::string line;
    std::getline(in, line);
    return trim(line);
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
    std::string key;
    char c;
    while (::read(tty, &c, 1) == 1 && c != '\n') {
        key += c;
    }
    if (restore) {
        ::tcsetattr(tty, TCSANOW, &saved);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
    }
    (void)!::write(tty, "\n", 1);
    ::close(tty);
    return trim(key);
}

}  // namespace

std::string readApiKey(const std::string& apikeyFile) {
    std::string key;
    if (const char* env = std::getenv("ATFS_APIKEY"); env && env[0]) {
        key = trim(env);
    } else if (!apikeyFile.empty()) {
        std::ifstream in(apikeyFile);
        if (!in) {
            throw LocalFileError("cannot read API key file " + apikeyFile + ": " +
                                 std::strerror(errno));
        }
        key = firstLine(in);
    } else if (!::isatty(STDIN_FILENO)) {
        key = firstLine(std::cin);
    } else {
        key = promptWithoutEcho();
    }
    if (key.empty()) {
        throw UsageError("empty API key: set ATFS_APIKEY, use --apikey-file F, or type it");
    }
    return key;
}

}  // namespace atctl
