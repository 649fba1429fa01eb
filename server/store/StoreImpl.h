// The shared state behind Store, split over Store.cpp (reads, snapshots, garbage),
// StoreCommit.cpp (ingest) and StoreDelete.cpp (delete, retention).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "store/DayIndex.h"
#include "store/FolderLock.h"
#include "store/Store.h"

namespace atd {

namespace store_detail {
// One domain's cached indexes. Readers take `state` shared; a writer holds `writer` for the
// whole operation and `state` exclusively only to publish the new indexes.
struct DomainState {
    std::mutex writer;
    mutable std::shared_mutex state;
    bool loaded = false;
    std::map<at::Date, DayIndex> days;
};
}  // namespace store_detail

struct Store::Impl {
    std::filesystem::path dataDir;
    std::filesystem::path eventsDir;
    std::unique_ptr<FolderLock> lock;
    std::mutex domainsMutex;
    std::map<std::string, std::unique_ptr<store_detail::DomainState>> domains;
    std::mutex commitMutex;  // the journal is one file: one commit at a time
    std::atomic<bool> bulkLoad{false};
    std::mutex refsMutex;
    std::map<std::string, uint64_t> refs;  // snapshot references per stored file

    // Validates the name (std::invalid_argument) and loads its indexes on first use.
    store_detail::DomainState& domain(const std::string& name);
    std::map<at::Date, DayIndex> loadDays(const std::string& name) const;
    std::vector<std::string> domainNamesOnDisk() const;
    // Deletes a stored file that is no longer current and no snapshot references.
    void removeIfUnused(const std::string& rel);

    uint64_t commit(const std::string& name, const std::vector<HourLines>& hours);

    DeleteStats deleteRange(const std::string& name, at::Date start, at::Date end,
                            std::optional<int> hour);
    std::filesystem::path optionsPath(const std::string& name) const;
    int retention(const std::string& name);
    DeleteStats applyRetention(const std::string& name);
};

}  // namespace atd
