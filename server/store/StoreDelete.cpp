// Deleting events (a range of days, or one hour of each) and the retention that drops old
// days. Files a snapshot still holds stay until it is released.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/DurableFile.h"
#include "store/StoreImpl.h"
#include "store/StorePaths.h"
#include "store/UndoJournal.h"

namespace atd {
namespace fs = std::filesystem;
using store_detail::DomainState;

DeleteStats Store::Impl::deleteRange(const std::string& name, at::Date start, at::Date end,
                                     std::optional<int> hour) {
    {
        // Undo a batch whose rollback failed earlier before changing indexes it would restore.
        std::lock_guard commitLock(commitMutex);
        rollBackPendingJournal(dataDir);
    }
    DomainState& d = domain(name);
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
