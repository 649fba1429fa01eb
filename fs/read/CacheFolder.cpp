#include "read/CacheFolder.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "Log.h"
#include "read/HourCache.h"

namespace atfs::read {
namespace {

constexpr std::string_view kTempPrefix = ".tmp.";
constexpr std::string_view kEntrySuffix = ".hour";
// A write takes milliseconds: a temporary this old is a crash's leftover even if its pid
// has been reused since.
constexpr int64_t kTempMaxAgeSeconds = 600;

bool abandonedTemporary(std::string_view name, const struct stat& st) {
    if (std::time(nullptr) - st.st_mtime > kTempMaxAgeSeconds)
        return true;
    name.remove_prefix(kTempPrefix.size());
    const std::string pidText(name.substr(0, name.find('.')));
    char* end = nullptr;
    const long pid = std::strtol(pidText.c_str(), &end, 10);
    if (pidText.empty() || *end != '\0' || pid <= 0)
        return true;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", unsigned(mode & 07777));
    return text;
}

// mkdir -p, 0700 for every folder it creates (the XDG rule for cache folders).
bool makeFolders(const std::filesystem::path& dir, int& error) {
    std::filesystem::path sofar;
    for (const auto& part : dir) {
        sofar /= part;
        if (::mkdir(sofar.c_str(), 0700) != 0 && errno != EEXIST) {
            error = errno;
            return false;
        }
    }
    return true;
}

}  // namespace

UniqueFd::~UniqueFd() {
    if (fd_ >= 0)
        ::close(fd_);
}

std::string errnoText(int error) {
    return std::strerror(error);
}

std::optional<UniqueFd> openCacheFolder(const std::filesystem::path& dir, std::string& whyNot) {
    const std::string shown = dir.string();
    const std::string cacheOff = "; running with the cache off";
    if (dir.empty()) {
        whyNot =
            "no cache folder: neither $XDG_CACHE_HOME nor $HOME is set and the user has "
            "no home" +
            cacheOff + " (set -o cache_dir=)";
        return std::nullopt;
    }
    struct stat st {};
    bool created = false;
    if (::lstat(dir.c_str(), &st) != 0 && errno == ENOENT) {
        int error = 0;
        if (!makeFolders(dir, error)) {
            whyNot = "cache folder " + shown + " cannot be created (" + errnoText(error) + ")" +
                     cacheOff + " (set -o cache_dir= to a writable folder)";
            return std::nullopt;
        }
        created = true;
    }
    if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        whyNot = "cache folder " + shown + " is a symbolic link, which atfs refuses (it could " +
                 "point anywhere)" + cacheOff + " (set -o cache_dir= to a real folder)";
        return std::nullopt;
    }
    // O_NOFOLLOW: a symlink swapped in since the lstat is refused here too (ELOOP).
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd || ::fstat(fd.get(), &st) != 0) {
        whyNot = "cache folder " + shown + " cannot be opened as a folder (" + errnoText(errno) +
                 ")" + cacheOff + " (set -o cache_dir= to a folder of your own)";
        return std::nullopt;
    }
    if (st.st_uid != ::geteuid()) {
        whyNot = "cache folder " + shown + " belongs to uid " + std::to_string(st.st_uid) +
                 ", not to this user (uid " + std::to_string(::geteuid()) + ")" + cacheOff +
                 " (set -o cache_dir= to a folder of your own)";
        return std::nullopt;
    }
    if ((st.st_mode & 07777) != 0700) {  // umask may have narrowed a new one: exactly 0700
        if (::fchmod(fd.get(), 0700) != 0) {
            whyNot = "cache folder " + shown + " has mode " + modeText(st.st_mode) +
                     " and cannot be set to 0700 (" + errnoText(errno) + ")" + cacheOff;
            return std::nullopt;
        }
        if (!created && (st.st_mode & 077) != 0)
            logLine("cache folder " + shown + " had mode " + modeText(st.st_mode) +
                    ", open to other users: set to 0700");
    }
    return fd;
}

std::vector<FolderEntry> listCacheFolder(int dirFd, const std::filesystem::path& dir) {
    std::vector<FolderEntry> found;
    UniqueFd listFd(::dup(dirFd));
    DIR* listing = listFd ? ::fdopendir(listFd.get()) : nullptr;
    if (listing == nullptr) {
        logLine("cache folder " + dir.string() + ": cannot list it (" + errnoText(errno) +
                "): starting with no entries");
        return found;
    }
    listFd.release();  // the DIR owns it now
    while (const dirent* e = ::readdir(listing)) {
        const std::string name = e->d_name;
        struct stat st {};
        if (name == "." || name == ".." ||
            ::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (name.starts_with(kTempPrefix)) {
            if (abandonedTemporary(name, st))
                ::unlinkat(dirFd, name.c_str(), 0);
        } else if (name.ends_with(kEntrySuffix) && S_ISREG(st.st_mode)) {
            found.push_back({name, uint64_t(st.st_size), st.st_mtim});
        }
    }
    ::closedir(listing);
    std::sort(found.begin(), found.end(), [](const FolderEntry& a, const FolderEntry& b) {
        if (a.used.tv_sec != b.used.tv_sec)
            return a.used.tv_sec < b.used.tv_sec;
        if (a.used.tv_nsec != b.used.tv_nsec)
            return a.used.tv_nsec < b.used.tv_nsec;
        return a.name < b.name;
    });
    return found;
}

std::string temporaryName(std::string_view entryName, uint64_t sequence) {
    return std::string(kTempPrefix) + std::to_string(::getpid()) + "." + std::to_string(sequence) +
           "." + std::string(entryName);
}

std::filesystem::path defaultCacheDir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/')
        return std::filesystem::path(xdg) / "atfs";
    if (const char* home = std::getenv("HOME"); home && home[0] == '/')
        return std::filesystem::path(home) / ".cache" / "atfs";
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(::getuid(), &pw, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_dir && found->pw_dir[0] == '/')
        return std::filesystem::path(found->pw_dir) / ".cache" / "atfs";
    return {};
}

}  // namespace atfs::read
