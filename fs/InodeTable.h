// Inode numbers <-> what they name. An inode is created the first time a name resolves
// and kept for the mount's life, so numbers stay stable across lookups and readdirs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "PathModel.h"
#include "at/Types.h"

namespace atfs {

enum class NodeKind {
    Root,
    AccountDir,
    SpacesDir,
    OrgDir,
    SpaceDir,
    DayDir,
    DataFile,
    DayLink,  // today.json / yesterday.json
    ControlDir,
    ControlFile,
    PartitionRoot,    // by-date/ (PartitionTree.cpp)
    PartitionDomain,  // by-date/domain=KEY
    PartitionDay,     // .../date=YYYY-MM-DD
    PartitionHour,    // .../hour=HH (file.span: that hour)
};

enum class ControlKind { Status, Sessions, Stats, Metrics };

struct Node {
    uint64_t ino = 0;
    uint64_t parent = 0;
    NodeKind kind = NodeKind::Root;
    std::string path;   // inside the mount, for logs: "spaces/acme/dev/2017-07-25.json"
    at::Domain domain;  // domain folders and everything under them
    at::Date day;       // DayDir
    FileName file;      // DataFile
    int dayOffset = 0;  // DayLink: 0 today, -1 yesterday
    std::string org;    // OrgDir
    ControlKind control = ControlKind::Status;

    bool isDir() const {
        return kind != NodeKind::DataFile && kind != NodeKind::DayLink &&
               kind != NodeKind::ControlFile;
    }
};

class InodeTable {
  public:
    static constexpr uint64_t kRoot = 1;

    InodeTable();
    std::shared_ptr<const Node> get(uint64_t ino) const;
    // The inode of `name` in `parent`, creating it from `make` the first time.
    std::shared_ptr<const Node> resolve(uint64_t parent, const std::string& name, const Node& make);
    size_t size() const;

    // A length learned from a session or EOF, newer than the day index: today grows.
    void setObservedSize(uint64_t ino, uint64_t size);
    std::optional<uint64_t> observedSize(uint64_t ino) const;

  private:
    mutable std::mutex mu_;
    std::unordered_map<uint64_t, std::shared_ptr<const Node>> nodes_;
    std::map<std::pair<uint64_t, std::string>, uint64_t> names_;
    std::unordered_map<uint64_t, uint64_t> observed_;
    uint64_t next_ = kRoot + 1;
};

}  // namespace atfs
