// The HourCache's folder on disk: opened only when it is safe (a real folder of this user,
// 0700: created so, or tightened), listed at start (entries oldest use first, leftovers of
// interrupted writes removed), and the names of the temporaries a write goes through.
// Everything after opening works relative to the folder's descriptor, so a folder swapped
// for a symlink later is not followed.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atfs::read {

// One owner for a file descriptor: closed when it goes.
class UniqueFd {
  public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    ~UniqueFd();
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

std::string errnoText(int error);

// The folder, created (with its parents, 0700) when missing; nullopt and one line in
// `whyNot` (which folder, why, what to do) when it is a symlink, not a folder, another user's,
// or cannot be made 0700. A wider mode of an existing folder is tightened with a log line.
std::optional<UniqueFd> openCacheFolder(const std::filesystem::path& dir, std::string& whyNot);

struct FolderEntry {
    std::string name;
    uint64_t bytes = 0;
    timespec used{};  // mtime: the last put or get
};
// The entry files in the folder, least recently used first; removes the temporaries of
// writes no longer running (their process is gone, or they are older than any write).
std::vector<FolderEntry> listCacheFolder(int dirFd, const std::filesystem::path& dir);

// ".tmp.<pid>.<n>.<entry name>": unique per process and write, told apart at start.
std::string temporaryName(std::string_view entryName, uint64_t sequence);

}  // namespace atfs::read
