#include "Log.h"

namespace atfs {

at::Logger& processLog() {
    static at::Logger log("atfs");
    return log;
}

void logLine(const std::string& line) {
    processLog().write(at::LogLevel::Warning, line);
}

void logInfo(const std::string& line) {
    processLog().write(at::LogLevel::Info, line);
}

void logDebug(const std::string& line) {
    processLog().write(at::LogLevel::Debug, line);
}

}  // namespace atfs
