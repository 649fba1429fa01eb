// The data folder holds every user's trail and the key digests: it is the owner's alone. New
// folders are 0700 and files 0600 whatever the umask; a folder an older atd (or a umask of 022)
// left wider is tightened when atd starts.
#pragma once

#include <cstddef>
#include <filesystem>

namespace atd {

inline constexpr unsigned kPrivateFolderMode = 0700;
inline constexpr unsigned kPrivateFileMode = 0600;

// Creates `dir` and any missing parents as 0700 (parents that exist are left alone).
void createPrivateFolder(const std::filesystem::path& dir);

// Takes group and other permissions off `dir` and everything below it (symlinks are not
// followed). Returns how many entries it changed; throws std::runtime_error naming the entry it
// could not change.
size_t tightenFolderModes(const std::filesystem::path& dir);

}  // namespace atd
