// Store: the public operations. Files and durability live in DurableFile/UndoJournal, the
// per-day numbers in DayIndex, line handling in EventBatch; this file holds the locking and
// the reference counts that keep pinned snapshots immutable.
#include "store/Store.h"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <shared_mutex>
#include <stdexcept>

#include "store/CrashPoint.h"
#include "store/DayIndex.h"
#include "store/DurableFile.h"
#include "store/EventBatch.h"
#include "store/Gzip.h"
#include "store/UndoJournal.h"

namespace atd {
namespace fs = std::filesystem;

namespace {

bool validDomain(std::string_view d) {
    if (d.empty() || d.size() > 128)
        return false;
    for (char c : d) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::string dayDirRel(const std::string& domain, at::Date date) {
    return "events/" + domain + "/" + date.str();
}
std::string indexRel(const std::string& domain, at::Date date) {
    return dayDirRel(domain, date) + "/index.json";
}
std::string hourFileRel(const std::string& domain, at::Date date, int hour, uint64_t gen) {
    return dayDirRel(domain, date) + "/" + hourFileName(hour, gen);
}

// "events/DOMAIN/YYYY-MM-DD/HH.gN.gz" split back into its parts.
struct FileKey {
    std::string domain;
    at::Date date;
    HourFileName name;
};
std::optional<FileKey> parseFileRel(std::string_view rel) {
    if (!rel.starts_with("events/"))
        return std::nullopt;
    rel.remove_prefix(7);
    size_t s1 = rel.find('/');
    if (s1 == std::string_view::npos)
        return std::nullopt;
    size_t s2 = rel.find('/', s1 + 1);
    if (s2 == std::string_view::npos)
        return std::nullopt;
    auto domain = rel.substr(0, s1);
    auto date = at::Date::parse(rel.substr(s1 + 1, s2 - s1 - 1));
    auto name = parseHourFileName(rel.substr(s2 + 1));
    if (!validDomain(domain) || !date || !name)
        return std::nullopt;
    return FileKey{std::string(domain), *date, *name};
}

uint64_t highestGeneration(const fs::path& dayDir, int hour) {
    uint64_t highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dayDir, ec)) {
        auto name = parseHourFileName(entry.path().filename().string());
        if (name && name->hour == hour)
            highest = std::max(highest, name->generation);
    }
    return highest;
}

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

}  // namespace

struct Domain {
    std::mutex writer;  // one ingest or delete at a time per domain
    mutable std::shared_mutex state;
    bool loaded = false;
    std::map<at::Date, DayIndex> days;
};

struct Store::Impl {
    fs::path dataDir;
    fs::path eventsDir;
    std::mutex domainsMutex;
    std::map<std::string, std::unique_ptr<Domain>> domains;
    std::mutex commitMutex;  // the journal is one file: one commit at a time
    std::mutex refsMutex;
    std::map<std::string, uint64_t> refs;

    Domain& domain(const std::string& name) {
        if (!validDomain(name)) {
            throw std::invalid_argument("store: bad domain name '" + name.substr(0, 64) +
                                        "' (expected 'account' or a space GUID)");
        }
        Domain* d;
        {
            std::lock_guard lock(domainsMutex);
            auto& slot = domains[name];
            if (!slot)
                slot = std::make_unique<Domain>();
            d = slot.get();
        }
        std::unique_lock lock(d->state);
        if (!d->loaded) {
            d->days = loadDays(name);
            d->loaded = true;
        }
        return *d;
    }

    std::map<at::Date, DayIndex> loadDays(const std::string& name) const {
        std::map<at::Date, DayIndex> days;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(eventsDir / name, ec)) {
            auto date = at::Date::parse(entry.path().filename().string());
            if (!date || !entry.is_directory())
                continue;
            auto text = durable::readIfExists(entry.path() / "index.json");
            if (!text)
                continue;
            auto index = DayIndex::fromJson(*text, (entry.path() / "index.json").string());
            if (!index.empty())
                days.emplace(*date, index);
        }
        return days;
    }

    std::vector<std::string> domainNamesOnDisk() const {
        std::vector<std::string> names;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(eventsDir, ec)) {
            auto name = entry.path().filename().string();
            if (entry.is_directory() && validDomain(name))
                names.push_back(name);
        }
        return names;
    }

    // Deletes a stored file that is no longer current and no snapshot references.
    void removeIfUnused(const std::string& rel) {
        auto key = parseFileRel(rel);
        if (!key)
            return;
        Domain& d = domain(key->domain);
        std::shared_lock stateLock(d.state);  // pin takes references under this lock
        auto it = d.days.find(key->date);
        if (it != d.days.end()) {
            const auto& e = it->second.hours[size_t(key->name.hour)];
            if (e && e->generation == key->name.generation)
                return;
        }
        std::lock_guard refsLock(refsMutex);
        if (refs.count(rel))
            return;
        durable::removeFile(dataDir / rel);
    }

    HourPlan planHour(const std::string& name, const Domain& d, const HourLines& lines,
                      std::string& member) {
        HourPlan plan;
        plan.date = lines.hour.date;
        plan.hour = lines.hour.hour;
        std::optional<HourEntry> current;
        if (auto it = d.days.find(plan.date); it != d.days.end()) {
            current = it->second.hours[size_t(plan.hour)];
        }
        fs::path dayDir = eventsDir / name / plan.date.str();
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
            plan.supersededRel = oldRel;
        }
        plan.after.gzipSize = plan.offset + plan.bytes.size();
        plan.fileRel = hourFileRel(name, plan.date, plan.hour, plan.after.generation);
        return plan;
    }

    void applyDurably(const std::vector<HourPlan>& plans,
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
        writeJournal(dataDir, journal);
        crashPoint("journal-written");
        try {
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
            removeJournal(dataDir);
            crashPoint("committed");
        } catch (const std::exception& ex) {
            std::string rollback = "rolled back";
            try {
                rollBackPendingJournal(dataDir);
            } catch (const std::exception& again) {
                rollback =
                    std::string("will be rolled back at the next start (") + again.what() + ")";
            }
            throw std::runtime_error("store: ingest into domain " + name + " failed and " +
                                     rollback + ": " + ex.what());
        }
    }

    uint64_t commit(const std::string& name, const std::vector<HourLines>& hours) {
        if (hours.empty())
            return 0;
        Domain& d = domain(name);
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
            plans.push_back(planHour(name, d, hours[i], members[i]));
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
            applyDurably(plans, newIndexes, name);
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

    DeleteStats deleteRange(const std::string& name, at::Date start, at::Date end,
                            std::optional<int> hour) {
        Domain& d = domain(name);
        std::lock_guard writer(d.writer);
        DeleteStats stats;
        std::vector<std::string> removed;
        std::vector<at::Date> touched;
        for (auto it = d.days.lower_bound(start); it != d.days.end() && it->first <= end; ++it) {
            touched.push_back(it->first);
        }
        for (at::Date date : touched) {
            DayIndex index = d.days.at(date);
            for (int h = 0; h < 24; ++h) {
                auto& e = index.hours[size_t(h)];
                if (!e || (hour && *hour != h))
                    continue;
                stats.count += e->count;
                stats.bytes += e->gzipSize;
                removed.push_back(hourFileRel(name, date, h, e->generation));
                e.reset();
            }
            fs::path indexPath = dataDir / indexRel(name, date);
            if (index.empty()) {
                durable::removeFile(indexPath);
                durable::fsyncDirectory(indexPath.parent_path());
            } else {
                durable::writeAtomically(indexPath, index.toJson());
            }
            std::unique_lock lock(d.state);
            if (index.empty()) {
                d.days.erase(date);
            } else {
                d.days[date] = index;
            }
        }
        for (const auto& rel : removed)
            removeIfUnused(rel);
        for (at::Date date : touched) {
            std::error_code ec;
            fs::remove(dataDir / dayDirRel(name, date), ec);  // only if now empty
        }
        return stats;
    }

    fs::path optionsPath(const std::string& name) const {
        return eventsDir / name / "options.json";
    }

    int retention(const std::string& name) {
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

    DeleteStats applyRetention(const std::string& name) {
        int days = retention(name);
        if (days <= 0)
            return {};
        at::Date lastDropped = at::Date::todayUtc().plusDays(-days - 1);
        if (lastDropped < at::Date(0))
            return {};
        return deleteRange(name, at::Date(0), lastDropped, std::nullopt);
    }
};

Store::Store(fs::path dataDir) : impl_(std::make_unique<Impl>()) {
    impl_->dataDir = std::move(dataDir);
    impl_->eventsDir = impl_->dataDir / "events";
    durable::createDirectories(impl_->eventsDir);
    rollBackPendingJournal(impl_->dataDir);
    std::error_code ec;
    fs::remove(impl_->eventsDir / "journal.json.tmp", ec);
}

Store::~Store() = default;

std::vector<DayStat> Store::status(const std::string& domain, std::optional<at::Date> start,
                                   std::optional<at::Date> end) const {
    Domain& d = impl_->domain(domain);
    std::shared_lock lock(d.state);
    std::vector<DayStat> out;
    auto it = start ? d.days.lower_bound(*start) : d.days.begin();
    for (; it != d.days.end() && (!end || it->first <= *end); ++it) {
        DayStat day;
        day.date = it->first;
        for (int h = 0; h < 24; ++h) {
            const auto& e = it->second.hours[size_t(h)];
            if (!e)
                continue;
            day.hours[size_t(h)] = HourStat{e->count, e->size, e->gzipSize};
            day.count += e->count;
            day.size += e->size;
            day.gzipSize += e->gzipSize;
        }
        out.push_back(day);
    }
    return out;
}

uint64_t Store::ingest(const std::string& domain, std::string_view jsonLines) {
    impl_->domain(domain);  // a bad domain is the caller's error, before any line is parsed
    return impl_->commit(domain, parseIngestBatch(jsonLines));
}

uint64_t Store::ingestSorted(const std::string& domain, const std::vector<HourLines>& hours) {
    std::set<int64_t> seen;
    for (const auto& h : hours) {
        bool inside = hourIndexOf(h.minEventTimeMicros) == h.hour.index() &&
                      hourIndexOf(h.maxEventTimeMicros) == h.hour.index() &&
                      h.minEventTimeMicros <= h.maxEventTimeMicros && h.count > 0 &&
                      !h.lines.empty() && h.lines.back() == '\n';
        if (!inside || !seen.insert(h.hour.index()).second) {
            throw std::invalid_argument("store: ingestSorted got a malformed hour " + h.hour.str());
        }
    }
    return impl_->commit(domain, hours);
}

Snapshot Store::pin(const std::string& domain, at::Date start, at::Date end,
                    std::optional<int> hour) {
    Domain& d = impl_->domain(domain);
    std::shared_lock lock(d.state);
    Snapshot snap;
    for (auto it = d.days.lower_bound(start); it != d.days.end() && it->first <= end; ++it) {
        for (int h = 0; h < 24; ++h) {
            const auto& e = it->second.hours[size_t(h)];
            if (!e || (hour && *hour != h) || e->gzipSize == 0)
                continue;
            snap.segments.push_back(
                {hourFileRel(domain, it->first, h, e->generation), e->gzipSize});
            snap.count += e->count;
            snap.size += e->size;
            snap.gzipSize += e->gzipSize;
        }
    }
    retain(snap);
    return snap;
}

void Store::retain(const Snapshot& snapshot) {
    std::lock_guard lock(impl_->refsMutex);
    for (const auto& s : snapshot.segments)
        ++impl_->refs[s.file];
}

void Store::release(const Snapshot& snapshot) {
    std::vector<std::string> unreferenced;
    {
        std::lock_guard lock(impl_->refsMutex);
        for (const auto& s : snapshot.segments) {
            auto it = impl_->refs.find(s.file);
            if (it == impl_->refs.end())
                continue;
            if (--it->second == 0) {
                impl_->refs.erase(it);
                unreferenced.push_back(s.file);
            }
        }
    }
    for (const auto& rel : unreferenced)
        impl_->removeIfUnused(rel);
}

void Store::collectGarbage() {
    for (const auto& name : impl_->domainNamesOnDisk()) {
        std::error_code ec;
        for (const auto& day : fs::directory_iterator(impl_->eventsDir / name, ec)) {
            if (!day.is_directory() || !at::Date::parse(day.path().filename().string()))
                continue;
            std::vector<fs::path> files;
            for (const auto& f : fs::directory_iterator(day.path(), ec))
                files.push_back(f.path());
            for (const auto& f : files) {
                std::string leaf = f.filename().string();
                if (leaf.ends_with(".tmp")) {
                    durable::removeFile(f);
                } else if (parseHourFileName(leaf)) {
                    impl_->removeIfUnused("events/" + name + "/" + day.path().filename().string() +
                                          "/" + leaf);
                }
            }
            fs::remove(day.path(), ec);  // only if now empty
        }
    }
}

fs::path Store::pathOf(const Segment& segment) const {
    if (!parseFileRel(segment.file)) {
        throw std::invalid_argument("store: '" + segment.file + "' is not a stored event file");
    }
    return impl_->dataDir / segment.file;
}

DeleteStats Store::deleteRange(const std::string& domain, at::Date start, at::Date end,
                               std::optional<int> hour) {
    if (hour && (*hour < 0 || *hour > 23)) {
        throw std::invalid_argument("store: hour " + std::to_string(*hour) + " is not 0..23");
    }
    return impl_->deleteRange(domain, start, end, hour);
}

int Store::retention(const std::string& domain) const {
    return impl_->retention(domain);
}

void Store::setRetention(const std::string& domain, int days) {
    if (days < 0 || days > 3650) {
        throw std::invalid_argument("store: retention " + std::to_string(days) +
                                    " is not 0..3650 days");
    }
    impl_->domain(domain);
    durable::createDirectories(impl_->eventsDir / domain);
    durable::writeAtomically(impl_->optionsPath(domain),
                             nlohmann::json{{"retention", days}}.dump() + "\n");
    impl_->applyRetention(domain);
}

DeleteStats Store::applyRetention() {
    DeleteStats total;
    for (const auto& name : impl_->domainNamesOnDisk()) {
        auto s = impl_->applyRetention(name);
        total.count += s.count;
        total.bytes += s.bytes;
    }
    return total;
}

}  // namespace atd
