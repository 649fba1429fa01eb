// Shared helpers for the store tests: a unique temporary data folder, event lines, and
// reading a snapshot back the way a download would.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "at/Time.h"
#include "store/CrashPoint.h"
#include "store/Gzip.h"
#include "store/Store.h"

namespace atd::test {

class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("atstore-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

inline int64_t micros(const std::string& eventTime) {
    return *at::parseEventTime(eventTime);
}

// A compact event line as the store keeps it (keys sorted, as nlohmann::json::dump writes them).
inline std::string eventLine(const std::string& id, const std::string& eventTime,
                             const std::string& action = "iam-groups.member.add") {
    return "{\"action\":\"" + action + "\",\"eventTime\":\"" + eventTime + "\",\"id\":\"" + id +
           "\"}\n";
}

inline std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The gzip bytes a download of the snapshot sends.
inline std::string snapshotBytes(const Store& store, const Snapshot& snap) {
    std::string out;
    for (const auto& seg : snap.segments) {
        std::string file = readFile(store.pathOf(seg));
        out += file.substr(0, seg.length);
    }
    return out;
}

inline std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Runs `work` in a forked child whose crash hook is `hook` (which _exit(42)s at its stage,
// as kill -9 would stop the process there), and returns the child's exit code: 42 when the
// hook fired, 0 when `work` finished, 1 when it threw, -1 when the child died otherwise.
inline int exitCodeOfCrashingChild(atd::testing::CrashHook hook,
                                   const std::function<void()>& work) {
    const pid_t child = ::fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        atd::testing::setCrashHook(hook);
        try {
            work();
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    int status = 0;
    if (::waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

}  // namespace atd::test
