// Inode numbers <-> what they name. An inode is created the first time a name resolves and
// lives as long as the kernel holds it: every lookup the kernel receives adds one reference,
// `forget` takes them back (as libfuse's passthrough_hp does), and at zero the inode goes, so
// a long life of distinct names (ranges, hour bounds) keeps memory flat. Numbers stay stable
// while the kernel knows them; a name looked up again after its forget gets a new one.
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

    // One more reference the kernel holds (a lookup or readdirplus entry it was sent).
    void retain(uint64_t ino);
    // The kernel dropped `count` references; at zero the inode and its name go (the root stays).
    // Returns whether the inode was freed.
    bool forget(uint64_t ino, uint64_t count);
    uint64_t lookups(uint64_t ino) const;

    // A length learned from a session or EOF, newer than the day index: today grows.
    void setObservedSize(uint64_t ino, uint64_t size);
    std::optional<uint64_t> observedSize(uint64_t ino) const;

  private:
    struct Entry {
        std::shared_ptr<const Node> node;
        std::string name;  // in its parent, to drop the name with the inode
        uint64_t lookups = 0;
    };
    void eraseLocked(uint64_t ino);

    mutable std::mutex mu_;
    std::unordered_map<uint64_t, Entry> nodes_;
    std::map<std::pair<uint64_t, std::string>, uint64_t> names_;
    std::unordered_map<uint64_t, uint64_t> observed_;
    uint64_t next_ = kRoot + 1;
};

}  // namespace atfs
