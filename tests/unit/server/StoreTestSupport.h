// Shared helpers for the store tests: a unique temporary data folder, event lines, and
// reading a snapshot back the way a download would.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "at/Time.h"
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

}  // namespace atd::test
