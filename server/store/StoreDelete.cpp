// Deleting events (a range of days, or one hour of each) and the retention that drops old
// days. Files a snapshot still holds stay until it is released.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/CrashPoint.h"
#include "store/DurableFile.h"
#include "store/StoreImpl.h"
#include "store/StorePaths.h"
#include "store/UndoJournal.h"

namespace atd {
namespace fs = std::filesystem;
using store_detail::DomainState;

namespace {

// Rewrites (or removes, if emptied) every touched day's index under one undo journal, so a
// delete over several days is whole or absent after a crash. Hour files go only afterwards.
void writeIndexesDurably(const fs::path& dataDir, const std::string& name,
                         const std::map<at::Date, DayIndex>& newIndexes) {
    UndoJournal journal;
    for (const auto& [date, index] : newIndexes) {
        std::string rel = indexRel(name, date);
        journal.indexes.push_back({rel, durable::readIfExists(dataDir / rel)});
    }
    commitJournaled(dataDir, journal, "delete", name, "delete-", [&] {
        for (const auto& [date, index] : newIndexes) {
            fs::path indexPath = dataDir / indexRel(name, date);
            if (index.empty()) {
                durable::removeFile(indexPath);
                durable::fsyncDirectory(indexPath.parent_path());
            } else {
                durable::writeAtomically(indexPath, index.toJson());
            }
            crashPoint("delete-partial");
        }
    });
}

}  // namespace

DeleteStats Store::Impl::deleteRange(const std::string& name, at::Date start, at::Date end,
                                     std::optional<int> hour) {
    DomainState& d = domain(name);
    std::lock_guard writer(d.writer);
    DeleteStats stats;
    std::vector<std::string> removed;
    std::map<at::Date, DayIndex> newIndexes;
    for (auto it = d.days.lower_bound(start); it != d.days.end() && it->first <= end; ++it) {
        DayIndex index = it->second;
        bool changed = false;
        for (int h = 0; h < 24; ++h) {
            auto& e = index.hours[size_t(h)];
            if (!e || (hour && *hour != h))
                continue;
            stats.count += e->count;
            stats.bytes += e->gzipSize;
            removed.push_back(hourFileRel(name, it->first, h, e->generation));
            e.reset();
            changed = true;
        }
        if (changed)
            newIndexes.emplace(it->first, index);
    }
    if (newIndexes.empty())
        return stats;
    {
        std::lock_guard commitLock(commitMutex);
        // Undo a batch whose rollback failed earlier before changing indexes it would restore.
        rollBackPendingJournal(dataDir);
        writeIndexesDurably(dataDir, name, newIndexes);
    }
    {
        std::unique_lock lock(d.state);
        for (const auto& [date, index] : newIndexes) {
            if (index.empty()) {
                d.days.erase(date);
            } else {
                d.days[date] = index;
            }
        }
    }
    for (const auto& rel : removed)
        removeIfUnused(rel);
    for (const auto& [date, index] : newIndexes) {
        std::error_code ec;
        fs::remove(dataDir / dayDirRel(name, date), ec);  // only if now empty
    }
    return stats;
}

fs::path Store::Impl::optionsPath(const std::string& name) const {
    return eventsDir / name / "options.json";
}

int Store::Impl::retention(const std::string& name) {
    domain(name);  // validates the name
    auto text = durable::readIfExists(optionsPath(name));
    if (!text)
        return 0;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("retention") || !j["retention"].is_number_integer()) {
        throw std::runtime_error("store: " + optionsPath(name).string() +
                                 " is unreadable; set the retention again to rewrite it");
    }
    return j["retention"].get<int>();
}

DeleteStats Store::Impl::applyRetention(const std::string& name) {
    int days = retention(name);
    if (days <= 0)
        return {};
    at::Date lastDropped = at::Date::todayUtc().plusDays(-days - 1);
    if (lastDropped < at::Date(0))
        return {};
    return deleteRange(name, at::Date(0), lastDropped, std::nullopt);
}

}  // namespace atd
