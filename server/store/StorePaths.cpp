#include "store/StorePaths.h"

#include <algorithm>

namespace atd {
namespace fs = std::filesystem;

bool validDomain(std::string_view d) {
    if (d.empty() || d.size() > 128)
        return false;
    for (char c : d) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::string dayDirRel(const std::string& domain, at::Date date) {
    return "events/" + domain + "/" + date.str();
}
std::string indexRel(const std::string& domain, at::Date date) {
    return dayDirRel(domain, date) + "/index.json";
}
std::string hourFileRel(const std::string& domain, at::Date date, int hour, uint64_t gen) {
    return dayDirRel(domain, date) + "/" + hourFileName(hour, gen);
}

std::optional<FileKey> parseFileRel(std::string_view rel) {
    if (!rel.starts_with("events/"))
        return std::nullopt;
    rel.remove_prefix(7);
    size_t s1 = rel.find('/');
    if (s1 == std::string_view::npos)
        return std::nullopt;
    size_t s2 = rel.find('/', s1 + 1);
    if (s2 == std::string_view::npos)
        return std::nullopt;
    auto domain = rel.substr(0, s1);
    auto date = at::Date::parse(rel.substr(s1 + 1, s2 - s1 - 1));
    auto name = parseHourFileName(rel.substr(s2 + 1));
    if (!validDomain(domain) || !date || !name)
        return std::nullopt;
    return FileKey{std::string(domain), *date, *name};
}

uint64_t highestGeneration(const fs::path& dayDir, int hour) {
    uint64_t highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dayDir, ec)) {
        auto name = parseHourFileName(entry.path().filename().string());
        if (name && name->hour == hour)
            highest = std::max(highest, name->generation);
    }
    return highest;
}

}  // namespace atd
