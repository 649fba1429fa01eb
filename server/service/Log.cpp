#include "service/Log.h"

namespace atd {

at::Logger& serverLog() {
    static at::Logger log("atd");
    return log;
}

void logWarning(const std::string& line) {
    serverLog().write(at::LogLevel::Warning, line);
}

void logInfo(const std::string& line) {
    serverLog().write(at::LogLevel::Info, line);
}

void logDebug(const std::string& line) {
    serverLog().write(at::LogLevel::Debug, line);
}

}  // namespace atd
