// `atd fsck`: what in a data folder atd cannot serve. Day folders outside 1970..9999 (an older
// atd stored events with offsets like -99:99 under 10000-01-01) and files atd never writes are
// listed, and removed on request. Hour files no index refers to are not listed: atd removes
// those itself at start, once no saved session holds them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace atd {

struct FsckFinding {
    std::string path;  // relative to the data folder
    std::string why;   // one line for a person
};

// Read-only; safe while atd runs. Sorted by path.
std::vector<FsckFinding> findUnservable(const std::filesystem::path& dataDir);

// Removes what findUnservable lists (whole folders for out-of-range days). Takes the store's
// folder lock: throws std::runtime_error if atd is running on dataDir.
std::vector<FsckFinding> removeUnservable(const std::filesystem::path& dataDir);

}  // namespace atd
