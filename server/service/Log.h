// atd's log: stderr by default, syslog (facility daemon, tag atd) or a file with --log, from
// --log-level up. Request lines are info, session lines debug, failures warning.
#pragma once

#include <string>

#include "at/Logger.h"

namespace atd {

at::Logger& serverLog();
void logWarning(const std::string& line);
void logInfo(const std::string& line);
void logDebug(const std::string& line);

}  // namespace atd
