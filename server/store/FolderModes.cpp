#include "store/FolderModes.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace atd {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const char* what, const fs::path& path, int err) {
    throw std::runtime_error("cannot " + std::string(what) + " " + path.string() + ": " +
                             std::strerror(err));
}

// Returns true if it changed the mode.
bool tighten(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return false;  // removed meanwhile
        fail("read the mode of", path, errno);
    }
    if (S_ISLNK(st.st_mode) || (st.st_mode & 077) == 0)
        return false;
    const mode_t limit = S_ISDIR(st.st_mode) ? kPrivateFolderMode : kPrivateFileMode;
    if (::chmod(path.c_str(), st.st_mode & limit) != 0)
        fail("restrict the mode of", path, errno);
    return true;
}

}  // namespace

void createPrivateFolder(const fs::path& dir) {
    if (dir.empty() || fs::is_directory(dir))
        return;
    createPrivateFolder(dir.parent_path());
    if (::mkdir(dir.c_str(), kPrivateFolderMode) != 0 && errno != EEXIST)
        fail("create folder", dir, errno);
}

size_t tightenFolderModes(const fs::path& dir) {
    size_t changed = tighten(dir) ? 1 : 0;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec)
        fail("list", dir, ec.value());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            fail("list", it->path(), ec.value());
        changed += tighten(it->path()) ? 1 : 0;
    }
    return changed;
}

}  // namespace atd
