// `atd fsck`: what in a data folder atd cannot serve, and what a crash left behind. Day folders
// outside 1970..9999 (an older atd stored events with offsets like -99:99 under 10000-01-01),
// files atd never writes, and orphans (hour files neither their day's index nor a saved session
// refers to, and temporary files: a crash between writing a file and committing it) are
// listed, and removed on request.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace atd {

struct FsckFinding {
    std::string path;  // relative to the data folder
    std::string why;   // one line for a person
};

// What atd will not serve. Read-only; safe while atd runs. Sorted by path. atd reports these
// once at start (orphans not: atd removes those itself at start, once no session holds them).
std::vector<FsckFinding> findUnservable(const std::filesystem::path& dataDir);

// Orphans: hour files that neither their day's index.json nor a saved session
// (sessions/*.json) refers to, and *.tmp files in day folders. A day whose index is
// unreadable is skipped (its files are not claimed). Read-only; while atd runs it may list a
// file an ingest is about to commit. Sorted by path.
std::vector<FsckFinding> findOrphans(const std::filesystem::path& dataDir);

// Both lists, sorted by path.
std::vector<FsckFinding> fsckFindings(const std::filesystem::path& dataDir);

// Removes what fsckFindings lists (whole folders for out-of-range days). Takes the store's
// folder lock: throws std::runtime_error if atd is running on dataDir.
std::vector<FsckFinding> removeFsckFindings(const std::filesystem::path& dataDir);

}  // namespace atd
