#include "store/FolderLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace atd {

FolderLock::FolderLock(const std::filesystem::path& lockFile) {
    fd_ = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        throw std::runtime_error("store: cannot open " + lockFile.string() + ": " +
                                 std::strerror(errno));
    }
    // flock locks belong to the open file: a second Store in this process is refused as well.
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            throw std::runtime_error("store: " + lockFile.parent_path().parent_path().string() +
                                     " is in use by another atd (or demo run); stop it or use "
                                     "another data folder");
        }
        throw std::runtime_error("store: cannot lock " + lockFile.string() + ": " +
                                 std::strerror(err));
    }
}

FolderLock::~FolderLock() {
    if (fd_ >= 0)
        ::close(fd_);
}

}  // namespace atd
