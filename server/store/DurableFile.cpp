#include "store/DurableFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace atd::durable {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const char* what, const fs::path& path, int err) {
    throw std::runtime_error(std::string("store: cannot ") + what + " " + path.string() + ": " +
                             std::strerror(err) +
                             " (check the data folder's disk and permissions)");
}

class Fd {
  public:
    Fd(const fs::path& path, int flags, mode_t mode = 0600) : path_(path) {
        fd_ = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    }
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }

    void writeAll(uint64_t offset, std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::pwrite(fd_, data.data(), data.size(), off_t(offset));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                fail("write", path_, errno);
            }
            data.remove_prefix(size_t(n));
            offset += uint64_t(n);
        }
    }
    void sync() {
        if (::fsync(fd_) != 0)
            fail("fsync", path_, errno);
    }

  private:
    fs::path path_;
    int fd_ = -1;
};

}  // namespace

void fsyncDirectory(const fs::path& dir) {
    Fd fd(dir, O_RDONLY | O_DIRECTORY);
    if (!fd.ok())
        fail("open folder", dir, errno);
    fd.sync();
}

void syncFilesystem(const fs::path& dir) {
    Fd fd(dir, O_RDONLY | O_DIRECTORY);
    if (!fd.ok())
        fail("open folder", dir, errno);
    if (::syncfs(fd.get()) != 0)
        fail("sync the filesystem of", dir, errno);
}

void createDirectories(const fs::path& dir) {
    if (dir.empty() || fs::is_directory(dir))
        return;
    createDirectories(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        fail("create folder", dir, errno);
    fsyncDirectory(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
}

void writeAtomically(const fs::path& path, std::string_view content, Sync sync) {
    fs::path tmp = path;
    tmp += ".tmp";
    {
        Fd fd(tmp, O_WRONLY | O_CREAT | O_TRUNC);
        if (!fd.ok())
            fail("create", tmp, errno);
        fd.writeAll(0, content);
        if (sync == Sync::Now)
            fd.sync();
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        fail("rename into place", path, errno);
    if (sync == Sync::Now)
        fsyncDirectory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

std::optional<std::string> readIfExists(const fs::path& path) {
    Fd fd(path, O_RDONLY);
    if (!fd.ok()) {
        if (errno == ENOENT)
            return std::nullopt;
        fail("open", path, errno);
    }
    std::string out;
    char buf[65536];
    while (true) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("read", path, errno);
        }
        if (n == 0)
            break;
        out.append(buf, size_t(n));
    }
    return out;
}

std::string readPrefix(const fs::path& path, uint64_t length) {
    Fd fd(path, O_RDONLY);
    if (!fd.ok())
        fail("open", path, errno);
    std::string out(length, '\0');
    uint64_t done = 0;
    while (done < length) {
        ssize_t n = ::pread(fd.get(), out.data() + done, length - done, off_t(done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("read", path, errno);
        }
        if (n == 0) {
            throw std::runtime_error("store: " + path.string() +
                                     " is shorter than its index says (" + std::to_string(done) +
                                     " < " + std::to_string(length) +
                                     " bytes); the data folder was changed outside atd");
        }
        done += uint64_t(n);
    }
    return out;
}

void writeAt(const fs::path& path, uint64_t offset, std::string_view data, bool create, Sync sync) {
    Fd fd(path, create ? (O_WRONLY | O_CREAT | O_EXCL) : O_WRONLY);
    if (!fd.ok())
        fail(create ? "create" : "open for append", path, errno);
    fd.writeAll(offset, data);
    if (::ftruncate(fd.get(), off_t(offset + data.size())) != 0)
        fail("truncate", path, errno);
    if (sync == Sync::Now)
        fd.sync();
}

void truncateTo(const fs::path& path, uint64_t length) {
    Fd fd(path, O_WRONLY);
    if (!fd.ok()) {
        if (errno == ENOENT)
            return;
        fail("open for rollback", path, errno);
    }
    if (::ftruncate(fd.get(), off_t(length)) != 0)
        fail("truncate", path, errno);
    fd.sync();
}

bool removeFile(const fs::path& path) {
    if (::unlink(path.c_str()) == 0)
        return true;
    if (errno == ENOENT)
        return false;
    fail("remove", path, errno);
}

}  // namespace atd::durable
