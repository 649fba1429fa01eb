#include "service/LoginThrottle.h"

#include <algorithm>

namespace atd {

namespace {

template <class Key>
void dropExpired(std::map<Key, std::deque<LoginThrottle::Clock::time_point>>& table,
                 LoginThrottle::Clock::time_point cutoff) {
    std::erase_if(table, [&](const auto& entry) { return entry.second.back() <= cutoff; });
}

}  // namespace

template <class Key>
std::optional<int> LoginThrottle::waitFor(std::map<Key, Failures>& table, const Key& key,
                                          Clock::time_point now) {
    auto it = table.find(key);
    if (it == table.end())
        return std::nullopt;
    auto& failures = it->second;
    while (!failures.empty() && failures.front() + limits_.window <= now)
        failures.pop_front();
    if (failures.empty()) {
        table.erase(it);
        return std::nullopt;
    }
    if (failures.size() < size_t(limits_.failures))
        return std::nullopt;
    auto wait = std::chrono::ceil<std::chrono::seconds>(failures.front() + limits_.window - now);
    return std::max<int>(1, int(wait.count()));
}

template <class Key>
void LoginThrottle::record(std::map<Key, Failures>& table, const Key& key, Clock::time_point now) {
    if (table.size() >= limits_.maxTracked && !table.contains(key)) {
        dropExpired(table, now - limits_.window);
        // Still full (a flood of distinct peers or keys): forget the quietest half rather than
        // grow without bound; each forgotten one merely gets its failures back.
        if (table.size() >= limits_.maxTracked) {
            for (auto it = table.begin();
                 it != table.end() && table.size() > limits_.maxTracked / 2;)
                it = it->second.size() < size_t(limits_.failures) ? table.erase(it) : std::next(it);
            if (table.size() >= limits_.maxTracked)
                table.erase(table.begin());
        }
    }
    auto& failures = table[key];
    failures.push_back(now);
    while (failures.size() > size_t(limits_.failures))
        failures.pop_front();
}

std::optional<int> LoginThrottle::retryAfter(const std::string& peer, const std::string& apiKey,
                                             Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto peerWait = waitFor(byPeer_, peer, now);
    auto keyWait = waitFor(byKey_, sha256(apiKey), now);
    if (!peerWait && !keyWait)
        return std::nullopt;
    return std::max(peerWait.value_or(0), keyWait.value_or(0));
}

void LoginThrottle::recordFailure(const std::string& peer, const std::string& apiKey,
                                  Clock::time_point now) {
    std::lock_guard lock(mutex_);
    record(byPeer_, peer, now);
    record(byKey_, sha256(apiKey), now);
}

size_t LoginThrottle::tracked() {
    std::lock_guard lock(mutex_);
    return byPeer_.size() + byKey_.size();
}

}  // namespace atd
