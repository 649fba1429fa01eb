// Small POSIX file helpers with the durability atd's store needs: atomic replace
// (tmp + fsync + rename + fsync of the folder), positioned writes, fsync of folders.
// Every failure throws std::runtime_error naming the file and the system's reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace atd::durable {

// Now: fsync before returning. Deferred: leave it to a later syncFilesystem (bulk loading).
enum class Sync { Now, Deferred };

// Replaces `path` by `content` so that a crash leaves either the old or the new file.
void writeAtomically(const std::filesystem::path& path, std::string_view content,
                     Sync sync = Sync::Now);

// The whole file, or nullopt when it does not exist.
std::optional<std::string> readIfExists(const std::filesystem::path& path);
// The first `length` bytes; throws when the file is shorter.
std::string readPrefix(const std::filesystem::path& path, uint64_t length);

// Writes `data` at `offset` and cuts the file to offset + data.size(), then fsyncs it.
// With `create`, the file must not exist yet.
void writeAt(const std::filesystem::path& path, uint64_t offset, std::string_view data, bool create,
             Sync sync = Sync::Now);

// Cuts an existing file to `length` and fsyncs it; a missing file is left missing.
void truncateTo(const std::filesystem::path& path, uint64_t length);

void fsyncDirectory(const std::filesystem::path& dir);
// Makes everything written on the filesystem holding `dir` durable (syncfs).
void syncFilesystem(const std::filesystem::path& dir);
// Creates `dir` and missing parents, fsyncing each parent that gained an entry.
void createDirectories(const std::filesystem::path& dir);
// Removes a file if present; true when it was there.
bool removeFile(const std::filesystem::path& path);

}  // namespace atd::durable
