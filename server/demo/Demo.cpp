// writeDemo: plans (domain, day, hour) work items with a day/night rhythm, lets two workers
// generate and store them through Store::ingestSorted, and writes users.json.
#include "demo/Demo.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "demo/DemoCatalog.h"
#include "demo/DemoEvents.h"
#include "demo/DemoRandom.h"
#include "store/DurableFile.h"
#include "store/Store.h"

namespace atd {
namespace {

using demo::Random;

constexpr int64_t kMicrosPerHour = int64_t(3600) * 1000000;
// Members of about this size: bounded memory per worker, and large enough to compress well.
constexpr size_t kChunkBytes = size_t(16) << 20;

struct DemoSpace {
    std::string guid;
    std::string name;
    std::string org;
};

// One domain's day: its events per hour.
struct WorkItem {
    size_t domain;
    at::Date day;
    std::array<uint64_t, 24> perHour;
};

bool isWeekend(at::Date d) {
    int weekday = int((d.days() % 7 + 7 + 4) % 7);  // 1970-01-01 was a Thursday; 0 = Sunday
    return weekday == 0 || weekday == 6;
}

// Office hours are busy on weekdays; nights and weekends are quiet.
unsigned hourWeight(bool weekend, int hour) {
    if (weekend)
        return hour >= 10 && hour <= 16 ? 2 : 1;
    if (hour >= 8 && hour <= 18)
        return 8;
    if ((hour >= 6 && hour <= 7) || (hour >= 19 && hour <= 21))
        return 3;
    return 1;
}

// Splits `total` by weights exactly (largest remainder, ties to the earlier index).
std::vector<uint64_t> split(uint64_t total, const std::vector<unsigned>& weights) {
    uint64_t sum = 0;
    for (unsigned w : weights)
        sum += w;
    std::vector<uint64_t> out(weights.size());
    std::vector<std::pair<uint64_t, size_t>> remainders;
    uint64_t given = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
        __uint128_t exact = __uint128_t(total) * weights[i];
        out[i] = uint64_t(exact / sum);
        given += out[i];
        remainders.push_back({uint64_t(exact % sum), i});
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; given < total; ++k, ++given)
        ++out[remainders[k % out.size()].second];
    return out;
}

std::vector<DemoSpace> makeSpaces(uint64_t seed, int count) {
    std::vector<DemoSpace> spaces;
    const size_t names = std::size(demo::kSpaceNames);
    for (int i = 0; i < count; ++i) {
        DemoSpace s;
        s.guid = Random::derived(seed, {0x5ace, uint64_t(i)}).uuid();
        s.name = demo::kSpaceNames[size_t(i) % names];
        if (size_t(i) >= names)
            s.name += "-" + std::to_string(size_t(i) / names + 1);
        s.org = demo::kOrgNames[size_t(i) % 2];
        spaces.push_back(std::move(s));
    }
    return spaces;
}

std::string sha256Hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("demo: OpenSSL SHA-256 failed");
    }
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 15]);
    }
    return out;
}

std::string usersJson(const DemoOptions& options, const std::vector<DemoSpace>& spaces) {
    auto spaceJson = [](const DemoSpace& s) {
        return nlohmann::json{{"guid", s.guid}, {"name", s.name}, {"org", s.org}};
    };
    nlohmann::json all = nlohmann::json::array();
    for (const auto& s : spaces)
        all.push_back(spaceJson(s));
    nlohmann::json first = nlohmann::json::array();
    if (!spaces.empty())
        first.push_back(spaceJson(spaces.front()));
    nlohmann::json users = nlohmann::json::array();
    users.push_back({{"name", "demo@example.com"},
                     {"apikey_sha256", sha256Hex(options.apiKey)},
                     {"account_access", true},
                     {"spaces", all}});
    users.push_back({{"name", "auditor@example.com"},
                     {"apikey_sha256", sha256Hex(options.apiKey + "-auditor")},
                     {"account_access", false},
                     {"spaces", first}});
    return nlohmann::json{{"users", users}}.dump(2) + "\n";
}

std::vector<WorkItem> planWork(const DemoOptions& options, at::Date lastDay, size_t domains) {
    std::vector<WorkItem> items;
    for (int back = options.days - 1; back >= 0; --back) {
        at::Date day = lastDay.plusDays(-back);
        bool weekend = isWeekend(day);
        uint64_t dayTotal = weekend ? options.eventsPerDay / 2 : options.eventsPerDay;
        auto perDomain = split(dayTotal, std::vector<unsigned>(domains, 1));
        std::vector<unsigned> weights;
        for (int h = 0; h < 24; ++h)
            weights.push_back(hourWeight(weekend, h));
        for (size_t d = 0; d < domains; ++d) {
            auto perHour = split(perDomain[d], weights);
            WorkItem item{d, day, {}};
            std::copy(perHour.begin(), perHour.end(), item.perHour.begin());
            items.push_back(item);
        }
    }
    return items;
}

// Generates one day of one domain, hour by hour in time order, and stores it in batches of
// about kChunkBytes (a batch may hold several quiet hours, or part of a busy one).
void runItem(Store& store, const demo::DemoWorld& world, const std::string& domain,
             const WorkItem& item, uint64_t seed, int64_t notAfterMicros,
             std::atomic<uint64_t>& bytes, std::atomic<uint64_t>& events) {
    std::vector<HourLines> batch;
    size_t batchBytes = 0;
    // Line buffers are reused from batch to batch: fresh multi-megabyte strings cost more in
    // page faults than generating the events.
    std::vector<std::string> spare;
    auto flush = [&] {
        if (batch.empty())
            return;
        bytes += batchBytes;
        store.ingestSorted(domain, batch);
        for (auto& h : batch) {
            h.lines.clear();
            spare.push_back(std::move(h.lines));
        }
        batch.clear();
        batchBytes = 0;
    };
    for (int hour = 0; hour < 24; ++hour) {
        const uint64_t count = item.perHour[size_t(hour)];
        if (count == 0)
            continue;
        Random random = Random::derived(
            seed, {0xe7e7, demo::stableHash(domain), uint64_t(item.day.days()), uint64_t(hour)});
        // Millisecond times (what eventTime keeps), sorted, so the lines come out in order.
        std::vector<int64_t> millis(count);
        for (auto& m : millis)
            m = int64_t(random.below(3600 * 1000));
        std::sort(millis.begin(), millis.end());
        demo::EventWriter writer(world, domain, random);
        const int64_t hourStart = (int64_t(item.day.days()) * 24 + hour) * kMicrosPerHour;
        for (int64_t m : millis) {
            const int64_t t = hourStart + m * 1000;
            if (t > notAfterMicros)
                break;  // the rest of today has not happened yet
            ++events;
            if (batch.empty() || batch.back().hour.hour != hour) {
                batch.emplace_back();
                if (!spare.empty()) {
                    batch.back().lines = std::move(spare.back());
                    spare.pop_back();
                } else {
                    batch.back().lines.reserve(std::min<size_t>(count * 1100, kChunkBytes) + 65536);
                }
                batch.back().hour = at::HourStamp{item.day, hour};
                batch.back().minEventTimeMicros = t;
            }
            HourLines& lines = batch.back();
            const size_t before = lines.lines.size();
            writer.append(lines.lines, t);
            batchBytes += lines.lines.size() - before;
            lines.maxEventTimeMicros = t;
            ++lines.count;
            if (batchBytes >= kChunkBytes)
                flush();
        }
    }
    flush();
}

}  // namespace

DemoResult writeDemo(const DemoOptions& options) {
    if (options.dataDir.empty())
        throw std::invalid_argument("demo: no data folder given");
    if (options.spaces < 0 || options.spaces > 1000) {
        throw std::invalid_argument("demo: spaces must be 0..1000");
    }
    if (options.days < 1 || options.days > 3650) {
        throw std::invalid_argument("demo: days must be 1..3650");
    }
    if (options.apiKey.empty())
        throw std::invalid_argument("demo: the API key is empty");
    if (options.spaces == 0 && !options.accountDomain) {
        throw std::invalid_argument("demo: no domain to fill (no spaces and no account)");
    }
    const at::Date lastDay = options.lastDay.value_or(at::Date::todayUtc());
    if (lastDay.plusDays(-(options.days - 1)) < at::Date(0)) {
        throw std::invalid_argument("demo: the days would start before 1970");
    }

    const auto spaces = makeSpaces(options.seed, options.spaces);
    std::vector<std::string> domains;
    if (options.accountDomain)
        domains.push_back(kAccountDomain);
    for (const auto& s : spaces)
        domains.push_back(s.guid);

    durable::createDirectories(options.dataDir);
    Store store(options.dataDir);
    // Writing the demo twice would store every event twice (same ids): refuse instead.
    for (const auto& domain : domains) {
        if (!store.status(domain, std::nullopt, std::nullopt).empty()) {
            throw std::runtime_error("demo: " + (options.dataDir / "events" / domain).string() +
                                     " already holds events; give an empty data folder");
        }
    }
    const demo::DemoWorld world(options.seed);
    const auto items = planWork(options, lastDay, domains.size());

    // Today's events stop at the moment the demo runs: a live day never shows the future.
    const int64_t notAfter =
        options.nowMicros.value_or(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    store.beginBulkLoad();  // one syncfs at the end instead of an fsync per file
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<uint64_t> events{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto worker = [&] {
        for (size_t i = next++; i < items.size() && !failed; i = next++) {
            try {
                runItem(store, world, domains[items[i].domain], items[i], options.seed, notAfter,
                        bytes, events);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        }
    };
    const unsigned workers = std::max(2u, std::min(4u, std::thread::hardware_concurrency()));
    std::vector<std::jthread> threads;  // joined even if a later one fails to start
    for (unsigned w = 1; w < workers; ++w)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
    store.finishBulkLoad();

    DemoResult result;
    result.usersFile = options.dataDir / "users.json";
    durable::writeAtomically(result.usersFile, usersJson(options, spaces));
    result.apiKey = options.apiKey;
    result.events = events;
    result.bytes = bytes;
    for (const auto& s : spaces)
        result.spaceGuids.push_back(s.guid);
    return result;
}

}  // namespace atd
