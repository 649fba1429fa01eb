// One line per event, for a person: to stderr in the foreground, syslog in the background
// (or -o log=FILE), from -o log_level up. Every error a reader sees is logged at warning.
#pragma once

#include <string>

#include "at/Logger.h"

namespace atfs {

at::Logger& processLog();
void logLine(const std::string& line);  // a problem: warning
void logInfo(const std::string& line);
void logDebug(const std::string& line);
inline bool debugLogged() {
    return processLog().enabled(at::LogLevel::Debug);
}

}  // namespace atfs
