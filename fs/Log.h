// One line per event, for a person: to stderr in the foreground, syslog in the background.
#pragma once

#include <string>

namespace atfs {

void logToSyslog(bool enabled);
void logLine(const std::string& line);

}  // namespace atfs
