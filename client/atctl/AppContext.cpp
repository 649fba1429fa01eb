#include "AppContext.h"

#include <cstdio>

#include "ErrorReport.h"

namespace atctl {

std::filesystem::path AppContext::configPath() const {
    return configFile.empty() ? at::defaultConfigPath() : std::filesystem::path(configFile);
}

at::Config AppContext::loadConfig() const {
    return at::loadConfig(configPath());
}

at::Domain AppContext::domainOf(const at::Config& config, bool accountLevel) {
    if (config.spaceGuid.empty()) {
        throw at::ApiError(at::ErrorKind::Config, "config", 0,
                           "no target space — run atctl target -o ORG -s SPACE");
    }
    return at::Domain{config.spaceGuid, accountLevel};
}

void AppContext::printJson(const nlohmann::json& value) {
    std::string text = value.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

std::optional<at::Date> parseDateOption(const std::string& text, const char* option) {
    if (text.empty()) {
        return std::nullopt;
    }
    auto date = at::Date::parse(text);
    if (!date) {
        throw UsageError(std::string("bad date '") + text + "' for " + option +
                         " — use YYYY-MM-DD, e.g. 2017-07-25");
    }
    return date;
}

std::optional<int> parseHourOption(const std::string& text, const char* option) {
    if (text.empty()) {
        return std::nullopt;
    }
    auto hour = at::parseHour(text);
    if (!hour) {
        throw UsageError(std::string("bad hour '") + text + "' for " + option +
                         " — use 0 to 23 (UTC)");
    }
    return hour;
}

}  // namespace atctl
