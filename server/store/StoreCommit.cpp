// Ingest: plan what each hour of a batch does (append a member, start a file, or merge into a
// new generation), then apply it under the undo journal so the batch is whole or absent.
#include <chrono>
#include <set>
#include <stdexcept>

#include "store/CrashPoint.h"
#include "store/DurableFile.h"
#include "store/EventBatch.h"
#include "store/Gzip.h"
#include "store/StoreImpl.h"
#include "store/StorePaths.h"
#include "store/UndoJournal.h"

namespace atd {
namespace fs = std::filesystem;
using store_detail::DomainState;

namespace {

// What one hour of a batch does to the disk.
struct HourPlan {
    at::Date date;
    int hour = 0;
    HourEntry after;
    std::string fileRel;
    bool create = false;
    uint64_t offset = 0;
    std::string bytes;
    std::optional<std::string> supersededRel;  // the previous generation after a merge
};

HourPlan planHour(const fs::path& dataDir, const std::string& name, const DomainState& d,
                  const HourLines& lines, std::string& member) {
    HourPlan plan;
    plan.date = lines.hour.date;
    plan.hour = lines.hour.hour;
    std::optional<HourEntry> current;
    if (auto it = d.days.find(plan.date); it != d.days.end()) {
        current = it->second.hours[size_t(plan.hour)];
    }
    fs::path dayDir = dataDir / dayDirRel(name, plan.date);
    if (!current) {
        plan.after.generation = highestGeneration(dayDir, plan.hour) + 1;
        plan.create = true;
        plan.bytes = std::move(member);
        plan.after.count = lines.count;
        plan.after.size = lines.lines.size();
        plan.after.maxEventTimeMicros = lines.maxEventTimeMicros;
    } else if (lines.minEventTimeMicros >= current->maxEventTimeMicros) {
        plan.after = *current;  // fast path: one more member on the current generation
        plan.offset = current->gzipSize;
        plan.bytes = std::move(member);
        plan.after.count += lines.count;
        plan.after.size += lines.lines.size();
        plan.after.maxEventTimeMicros = lines.maxEventTimeMicros;
    } else {
        // Merge path: a new generation holding old and new events in eventTime order.
        std::string oldRel = hourFileRel(name, plan.date, plan.hour, current->generation);
        std::string old = gunzipAll(durable::readPrefix(dataDir / oldRel, current->gzipSize));
        std::string merged = mergeByEventTime(old, lines.lines);
        appendGzipMember(plan.bytes, merged);
        plan.after.generation =
            std::max(highestGeneration(dayDir, plan.hour), current->generation) + 1;
        plan.create = true;
        plan.after.count = current->count + lines.count;
        plan.after.size = merged.size();
        plan.after.maxEventTimeMicros =
            std::max(current->maxEventTimeMicros, lines.maxEventTimeMicros);
        plan.after.mergedAtMicros = std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
        plan.supersededRel = oldRel;
    }
    plan.after.gzipSize = plan.offset + plan.bytes.size();
    plan.fileRel = hourFileRel(name, plan.date, plan.hour, plan.after.generation);
    return plan;
}

// Bulk loading: same files and indexes, written in the same order, but nothing is fsynced and
// there is no journal; Store::finishBulkLoad makes it all durable at once.
void applyBulk(const fs::path& dataDir, const std::vector<HourPlan>& plans,
               const std::map<at::Date, DayIndex>& newIndexes, const std::string& name) {
    for (const auto& p : plans)
        durable::createDirectories(dataDir / dayDirRel(name, p.date));
    for (const auto& p : plans)
        durable::writeAt(dataDir / p.fileRel, p.offset, p.bytes, p.create, durable::Sync::Deferred);
    for (const auto& [date, index] : newIndexes) {
        durable::writeAtomically(dataDir / indexRel(name, date), index.toJson(),
                                 durable::Sync::Deferred);
    }
}

void applyDurably(const fs::path& dataDir, const std::vector<HourPlan>& plans,
                  const std::map<at::Date, DayIndex>& newIndexes, const std::string& name) {
    UndoJournal journal;
    std::set<std::string> dayDirs;
    for (const auto& p : plans) {
        if (p.create) {
            journal.created.push_back(p.fileRel);
        } else {
            journal.appended.push_back({p.fileRel, p.offset});
        }
        dayDirs.insert(dayDirRel(name, p.date));
    }
    for (const auto& [date, index] : newIndexes) {
        std::string rel = indexRel(name, date);
        journal.indexes.push_back({rel, durable::readIfExists(dataDir / rel)});
    }
    for (const auto& dir : dayDirs)
        durable::createDirectories(dataDir / dir);
    // A journal left by a rollback that failed (disk full, I/O error) must be undone before a
    // new one replaces it; if it still cannot be, this ingest fails and the journal stays.
    rollBackPendingJournal(dataDir);
    commitJournaled(dataDir, journal, "ingest", name, "", [&] {
        for (const auto& p : plans) {
            durable::writeAt(dataDir / p.fileRel, p.offset, p.bytes, p.create);
            crashPoint("data-partial");
        }
        crashPoint("data-written");
        for (const auto& dir : dayDirs)
            durable::fsyncDirectory(dataDir / dir);
        for (const auto& [date, index] : newIndexes) {
            durable::writeAtomically(dataDir / indexRel(name, date), index.toJson());
            crashPoint("index-partial");
        }
    });
}

}  // namespace

uint64_t Store::Impl::commit(const std::string& name, const std::vector<HourLines>& hours) {
    if (hours.empty())
        return 0;
    DomainState& d = domain(name);
    // Compress before taking the lock: this is the costly part, and batches of different
    // hours or domains then compress on different cores.
    std::vector<std::string> members(hours.size());
    for (size_t i = 0; i < hours.size(); ++i)
        appendGzipMember(members[i], hours[i].lines);

    std::lock_guard writer(d.writer);
    std::vector<HourPlan> plans;
    std::map<at::Date, DayIndex> newIndexes;
    uint64_t count = 0;
    for (size_t i = 0; i < hours.size(); ++i) {
        plans.push_back(planHour(dataDir, name, d, hours[i], members[i]));
        const auto& p = plans.back();
        auto [it, fresh] = newIndexes.try_emplace(p.date);
        if (fresh) {
            if (auto cur = d.days.find(p.date); cur != d.days.end())
                it->second = cur->second;
        }
        it->second.hours[size_t(p.hour)] = p.after;
        count += hours[i].count;
    }
    {
        std::lock_guard commitLock(commitMutex);
        if (bulkLoad) {
            applyBulk(dataDir, plans, newIndexes, name);
        } else {
            applyDurably(dataDir, plans, newIndexes, name);
        }
    }
    {
        std::unique_lock lock(d.state);
        for (auto& [date, index] : newIndexes)
            d.days[date] = index;
    }
    for (const auto& p : plans) {
        if (p.supersededRel)
            removeIfUnused(*p.supersededRel);
    }
    return count;
}

}  // namespace atd
