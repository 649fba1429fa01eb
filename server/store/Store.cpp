// Store: reads, snapshots and their references, garbage collection, and the public entry
// points. Files and durability live in DurableFile/UndoJournal, the per-day numbers in DayIndex,
// line handling in EventBatch, ingest in StoreCommit.cpp, deletes in StoreDelete.cpp.
#include "store/Store.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "at/SafeText.h"
#include "store/DurableFile.h"
#include "store/EventBatch.h"
#include "store/StoreImpl.h"
#include "store/StorePaths.h"
#include "store/UndoJournal.h"

namespace atd {
namespace fs = std::filesystem;
using store_detail::DomainState;

DomainState& Store::Impl::domain(const std::string& name) {
    if (!validDomain(name)) {
        throw std::invalid_argument("store: bad domain name '" + at::printable(name, 64) +
                                    "' (expected 'account' or a space GUID)");
    }
    DomainState* d;
    {
        std::lock_guard lock(domainsMutex);
        auto& slot = domains[name];
        if (!slot)
            slot = std::make_unique<DomainState>();
        d = slot.get();
    }
    {
        std::shared_lock shared(d->state);
        if (d->loaded)
            return *d;
    }
    std::unique_lock lock(d->state);
    if (!d->loaded) {
        d->days = loadDays(name);
        d->loaded = true;
    }
    return *d;
}

std::map<at::Date, DayIndex> Store::Impl::loadDays(const std::string& name) const {
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

std::vector<std::string> Store::Impl::domainNamesOnDisk() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(eventsDir, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_directory() && validDomain(name))
            names.push_back(name);
    }
    return names;
}

void Store::Impl::removeIfUnused(const std::string& rel) {
    auto key = parseFileRel(rel);
    if (!key)
        return;
    DomainState& d = domain(key->domain);
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

Store::Store(fs::path dataDir) : impl_(std::make_unique<Impl>()) {
    impl_->dataDir = std::move(dataDir);
    impl_->eventsDir = impl_->dataDir / "events";
    durable::createDirectories(impl_->eventsDir);
    impl_->lock = std::make_unique<FolderLock>(impl_->eventsDir / ".lock");
    rollBackPendingJournal(impl_->dataDir);
    std::error_code ec;
    fs::remove(impl_->eventsDir / "journal.json.tmp", ec);
}

Store::~Store() = default;

std::vector<DayStat> Store::status(const std::string& domain, std::optional<at::Date> start,
                                   std::optional<at::Date> end) const {
    DomainState& d = impl_->domain(domain);
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
            day.hours[size_t(h)] = HourStat{e->count, e->size, e->gzipSize, e->changedMicros()};
            day.newestMicros = std::max(day.newestMicros, e->changedMicros());
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

void Store::beginBulkLoad() {
    impl_->bulkLoad = true;
}

void Store::finishBulkLoad() {
    std::lock_guard commitLock(impl_->commitMutex);  // no commit half done
    durable::syncFilesystem(impl_->eventsDir);
    impl_->bulkLoad = false;
}

Snapshot Store::pin(const std::string& domain, at::Date start, at::Date end,
                    std::optional<int> hour) {
    DomainState& d = impl_->domain(domain);
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
