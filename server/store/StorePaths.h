// Where the store keeps things, as paths relative to the data folder:
// events/DOMAIN/YYYY-MM-DD/{HH.gN.gz,index.json}, and the way back from a path to its parts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "at/Time.h"
#include "store/DayIndex.h"

namespace atd {

// "account" or a space GUID: [A-Za-z0-9-]{1,128}.
bool validDomain(std::string_view domain);

std::string dayDirRel(const std::string& domain, at::Date date);
std::string indexRel(const std::string& domain, at::Date date);
std::string hourFileRel(const std::string& domain, at::Date date, int hour, uint64_t generation);

// "events/DOMAIN/YYYY-MM-DD/HH.gN.gz" split back into its parts; nullopt for anything else
// (so a path from outside, e.g. with "..", is never taken for a stored file).
struct FileKey {
    std::string domain;
    at::Date date;
    HourFileName name;
};
std::optional<FileKey> parseFileRel(std::string_view rel);

// The highest generation of `hour` with a file in `dayDir` (0 if none): a new generation must
// not reuse the name of a file a snapshot may still hold.
uint64_t highestGeneration(const std::filesystem::path& dayDir, int hour);

}  // namespace atd
