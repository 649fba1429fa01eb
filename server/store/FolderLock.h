// An exclusive lock on a data folder for the life of a Store, so two atd processes (or a demo
// run next to a serving atd) never write the same events with separate caches.
#pragma once

#include <filesystem>

namespace atd {

class FolderLock {
  public:
    // Throws std::runtime_error naming the folder when another Store holds it.
    explicit FolderLock(const std::filesystem::path& lockFile);
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace atd
