#include "demo/DemoFeed.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace atd {

namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;

int64_t clockMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

DemoFeed::DemoFeed(Store& store, std::vector<std::string> domains, double eventsPerSecond,
                   uint64_t seed, int64_t startMicros)
    : store_(store),
      domains_(std::move(domains)),
      rate_(eventsPerSecond),
      start_(startMicros),
      world_(seed),
      lastMicros_(startMicros) {
    if (!(rate_ > 0) || rate_ > 100000)
        throw std::invalid_argument("demo feed: the rate must be 0 < RATE <= 100000 events/s");
    if (domains_.empty())
        throw std::invalid_argument("demo feed: no domain to feed (run atd demo first)");
    for (size_t i = 0; i < domains_.size(); ++i)
        writers_.emplace_back(world_, domains_[i],
                              demo::Random::derived(seed, {0xfeed, uint64_t(i)}));
}

DemoFeed::~DemoFeed() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

uint64_t DemoFeed::ingestDue(int64_t nowMicros) {
    if (nowMicros <= lastMicros_)
        return 0;
    const auto due = uint64_t(std::floor(rate_ * double(nowMicros - start_) / 1e6));
    if (due <= emitted_) {
        return 0;
    }
    const uint64_t count = due - emitted_;
    // Per domain, per hour: events evenly spaced over (lastMicros_, nowMicros], in order.
    std::vector<std::map<int64_t, HourLines>> byDomain(domains_.size());
    for (uint64_t i = 0; i < count; ++i) {
        const int64_t t =
            lastMicros_ + int64_t((nowMicros - lastMicros_) * double(i + 1) / double(count));
        const int64_t tMillis = t / 1000 * 1000;  // eventTime keeps milliseconds
        const size_t d = size_t((emitted_ + i) % domains_.size());
        const int64_t hourIndex = tMillis / kMicrosPerHour;
        HourLines& lines = byDomain[d][hourIndex];
        if (lines.count == 0) {
            lines.hour = at::HourStamp{at::Date(int32_t(hourIndex / 24)), int(hourIndex % 24)};
            lines.minEventTimeMicros = tMillis;
        }
        writers_[d].append(lines.lines, tMillis);
        lines.maxEventTimeMicros = tMillis;
        ++lines.count;
    }
    for (size_t d = 0; d < domains_.size(); ++d) {
        std::vector<HourLines> hours;
        for (auto& [index, lines] : byDomain[d])
            hours.push_back(std::move(lines));
        if (!hours.empty())
            store_.ingestSorted(domains_[d], hours);
    }
    emitted_ = due;
    lastMicros_ = nowMicros;
    return count;
}

void DemoFeed::start(std::ostream& log) {
    thread_ = std::thread([this, &log] { loop(log); });
}

void DemoFeed::loop(std::ostream& log) {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kTick, [this] { return stopping_; })) {
        lock.unlock();
        try {
            ingestDue(clockMicros());
        } catch (const std::exception& e) {
            log << "atd: demo feed: " << e.what() << std::endl;
        }
        lock.lock();
    }
}

std::vector<std::string> demoDomains(const std::filesystem::path& dataDir) {
    std::vector<std::string> domains;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dataDir / "events", ec))
        if (entry.is_directory() && entry.path().filename().string().front() != '.')
            domains.push_back(entry.path().filename().string());
    std::sort(domains.begin(), domains.end());
    return domains;
}

}  // namespace atd
