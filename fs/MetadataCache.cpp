#include "MetadataCache.h"

#include <atomic>

namespace atfs {

namespace {
std::atomic<int> flushGeneration{0};
static_assert(std::atomic<int>::is_always_lock_free);
}  // namespace

void MetadataCache::requestFlushAll() {
    flushGeneration.fetch_add(1);
}

void MetadataCache::flushIfRequested() {
    const int g = flushGeneration.load();
    bool stale = false;
    {
        std::lock_guard lk(mu_);
        stale = g != seenGeneration_;
        seenGeneration_ = g;
    }
    if (stale)
        flush();
}

std::shared_ptr<const at::SpaceList> MetadataCache::spaces() {
    flushIfRequested();
    std::lock_guard fetch(spacesFetch_);
    {
        std::lock_guard lk(mu_);
        if (spaces_ && Clock::now() - spacesFetched_ < ttl_)
            return spaces_;
    }
    auto fresh = std::make_shared<const at::SpaceList>(backend_.spaces());
    std::lock_guard lk(mu_);
    spaces_ = fresh;
    spacesFetched_ = Clock::now();
    return fresh;
}

std::shared_ptr<const DayIndex> MetadataCache::index(const at::Domain& domain, at::Date today) {
    flushIfRequested();
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard lk(mu_);
        auto& slot = domains_[domainKey(domain)];
        if (!slot)
            slot = std::make_shared<Entry>();
        entry = slot;
    }
    std::lock_guard fetch(entry->fetch);
    const auto now = Clock::now();
    {
        std::lock_guard lk(mu_);
        if (entry->index && now - entry->fetched < ttl_ && now - entry->todayFetched < todayTtl_)
            return entry->index;
    }
    std::shared_ptr<DayIndex> fresh;
    const bool full = !(entry->index && now - entry->fetched < ttl_);
    if (!full && now - entry->fetched < ttl_) {
        // Only today (and yesterday, which may still take late events) can have changed.
        fresh = std::make_shared<DayIndex>(*entry->index);
        fresh->erase(fresh->lower_bound(today.plusDays(-1).days()), fresh->end());
        for (at::DayStatus& d : backend_.status(domain, today.plusDays(-1), std::nullopt))
            (*fresh)[d.date.days()] = std::move(d);
    } else {
        fresh = std::make_shared<DayIndex>();
        for (at::DayStatus& d : backend_.status(domain, std::nullopt, std::nullopt))
            (*fresh)[d.date.days()] = std::move(d);
    }
    std::lock_guard lk(mu_);
    if (full)
        entry->fetched = now;
    entry->index = fresh;
    entry->todayFetched = now;
    return fresh;
}

void MetadataCache::flush() {
    std::lock_guard lk(mu_);
    spaces_.reset();
    for (auto& [key, e] : domains_)
        e->fetched = e->todayFetched = Clock::time_point{};
}

MetadataCache::State MetadataCache::state() const {
    std::lock_guard lk(mu_);
    State s;
    auto age = [](Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    };
    if (spaces_)
        s.spacesAgeSeconds = age(spacesFetched_);
    for (auto& [key, e] : domains_)
        if (e->index)
            s.domains[key] = {age(e->fetched), e->index->size()};
    return s;
}

}  // namespace atfs
