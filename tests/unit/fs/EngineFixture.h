// A read engine over a MemoryBackend: the mount-wide services it needs (gate, reaper, budget,
// pool, cache), test data whose hours have one member and several (one longer than
// the 16 MiB EngineContext::maxMemberBlock the rig sets), and readers that drive it as the kernel
// would.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <string>

#include "HourData.h"
#include "MemoryBackend.h"
#include "read/HourCache.h"
#include "read/InflatePool.h"
#include "read/ReadEngine.h"

namespace atfs::test {

inline at::Date Day(const char* s) {
    return *at::Date::parse(s);
}

// The service as the engine sees it: MemoryBackend's, but with `stall` set a range download
// sends nothing until cancelled (a connection gone quiet).
class StallingBackend : public Backend {
  public:
    explicit StallingBackend(MemoryBackend& b) : b_(b) {}
    std::atomic<bool> stall{false};
    std::atomic<int> stalled{0};  // range downloads waiting now

    at::SpaceList spaces() override { return b_.spaces(); }
    std::vector<at::DayStatus> status(const at::Domain& d, std::optional<at::Date> s,
                                      std::optional<at::Date> e) override {
        return b_.status(d, s, e);
    }
    at::Session createSession(const at::Domain& d, const at::SessionRequest& r) override {
        return b_.createSession(d, r);
    }
    void deleteSession(const at::Domain& d, const std::string& id) override {
        b_.deleteSession(d, id);
    }
    std::vector<at::Session> listSessions(const at::Domain& d) override {
        return b_.listSessions(d);
    }
    std::unique_ptr<at::DownloadStream> download(const at::Domain& d, const std::string& id,
                                                 at::DownloadMode m, uint64_t off) override {
        return b_.download(d, id, m, off);
    }
    std::unique_ptr<at::DownloadStream> downloadRange(const at::Domain& d, const std::string& id,
                                                      uint64_t off, uint64_t len) override {
        auto inner = b_.downloadRange(d, id, off, len);
        if (!stall)
            return inner;
        return std::make_unique<Quiet>(std::move(inner), stalled);
    }
    std::string endpoint() const override { return "stalling:"; }

  private:
    class Quiet : public at::DownloadStream {
      public:
        Quiet(std::unique_ptr<at::DownloadStream> inner, std::atomic<int>& stalled)
            : inner_(std::move(inner)), stalled_(stalled) {}
        size_t read(char*, size_t) override {
            std::unique_lock lk(mu_);
            stalled_++;
            // Bounded, so a test that never cancels still ends.
            cv_.wait_for(lk, std::chrono::seconds(30), [&] { return cancelled_; });
            stalled_--;
            return 0;
        }
        uint64_t position() const override { return 0; }
        uint64_t gzipReceived() const override { return 0; }
        uint64_t gzipTotal() const override { return inner_->gzipTotal(); }
        void cancel() override {
            std::lock_guard lk(mu_);
            cancelled_ = true;
            cv_.notify_all();
        }

      private:
        std::unique_ptr<at::DownloadStream> inner_;
        std::atomic<int>& stalled_;
        std::mutex mu_;
        std::condition_variable cv_;
        bool cancelled_ = false;
    };
    MemoryBackend& b_;
};

// The big day's members' text, made once for every test.
inline const std::vector<std::vector<std::string>>& bigDayMembers() {
    static const auto members = [] {
        std::vector<std::vector<std::string>> hours(24);
        for (int h = 0; h < 24; ++h) {
            const int count = h == 5 ? 1 : 1 + h % 3;
            const size_t each = h == 5 ? (17u << 20) : (1u << 20) / size_t(count);
            for (int m = 0; m < count; ++m)
                hours[size_t(h)].push_back(hourdata::events(each, uint32_t(h * 7 + m)));
        }
        return hours;
    }();
    return members;
}

struct EngineRig {
    MemoryBackend backend;
    StallingBackend front{backend};
    Stats stats;
    SessionGate gate{30};
    LiveSessions live;
    SessionReaper reaper{front, live, stats};
    LeaseContext leases{front,
                        gate,
                        live,
                        reaper,
                        stats,
                        std::chrono::milliseconds(20000),
                        std::chrono::milliseconds(10000),
                        "atfs test"};
    MemoryBudget budget;
    StreamContext stream{front,
                         leases,
                         budget,
                         stats,
                         std::chrono::milliseconds(10000),
                         std::chrono::milliseconds(1000),
                         size_t(4) << 20,
                         uint64_t(16) << 20};
    std::unique_ptr<read::InflatePool> pool;
    std::unique_ptr<read::HourCache> cache;
    std::filesystem::path cacheDir;
    std::unique_ptr<read::EngineContext> ctx;
    at::Domain account{"", true};

    // The big day: 24 hours of 1 MiB in one, two or three members; hour 5 one member of
    // 17 MiB. A 40-day range of small hours (three segments). All of the account.
    explicit EngineRig(unsigned workers, bool withCache = false,
                       uint64_t budgetBytes = 512ull << 20)
        : budget(budgetBytes) {
        const at::Date big = Day("2017-07-10");
        for (int h = 0; h < 24; ++h)
            for (const std::string& member : bigDayMembers()[size_t(h)])
                backend.addEvents("account", {big, h}, member);
        for (at::Date d = Day("2017-05-01"); d < Day("2017-06-10"); d = d.plusDays(1))
            for (int h : {2, 9, 17})
                backend.addGeneratedEvents("account", {d, h}, 3 + d.day() % 5, 200, 1);
        pool = std::make_unique<read::InflatePool>(workers);
        if (withCache) {
            cacheDir = std::filesystem::temp_directory_path() /
                       ("atfs-engine-test-" + std::to_string(::getpid()) + "-" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
            std::filesystem::remove_all(cacheDir);
            cache = std::make_unique<read::HourCache>(cacheDir, 1ull << 30);
        }
        ctx = std::make_unique<read::EngineContext>(
            read::EngineContext{stream, *pool, cache.get(), 64ull << 20, 16ull << 20});
    }
    ~EngineRig() {
        reaper.drain(std::chrono::milliseconds(5000));
        cache.reset();
        if (!cacheDir.empty())
            std::filesystem::remove_all(cacheDir);
    }

    DayIndex index() {
        DayIndex idx;
        for (auto& d : backend.status(account, std::nullopt, std::nullopt))
            idx[d.date.days()] = d;
        return idx;
    }
    std::unique_ptr<read::ReadEngine> open(HourSpan span, Format f = Format::Json) {
        const DayIndex idx = index();
        auto e =
            read::ReadEngine::open(*ctx, account, "account/test", planSegments(idx, span), idx, f);
        EXPECT_TRUE(e);
        return e;
    }
    std::string expected(HourSpan span, Format f = Format::Json) {
        return f == Format::Json ? backend.inflated("account", span.first, span.last)
                                 : backend.rawGzip("account", span.first, span.last);
    }
};

inline HourSpan bigDay() {
    return HourSpan::ofDay(Day("2017-07-10"));
}
inline HourSpan fortyDays() {
    return {HourSpan::ofDay(Day("2017-05-01")).first, HourSpan::ofDay(Day("2017-06-09")).last};
}

// Reads [0, end) in `chunk`-sized requests, as cat does.
inline std::string readAll(read::ReadEngine& e, size_t chunk = 128 << 10) {
    std::string out, buf(chunk, '\0');
    for (;;) {
        const ssize_t r = e.read(out.size(), buf.data(), chunk);
        EXPECT_GE(r, 0);
        if (r <= 0)
            break;
        out.append(buf.data(), size_t(r));
    }
    return out;
}

inline std::string readAt(read::ReadEngine& e, uint64_t off, size_t n) {
    std::string buf(n, '\0');
    size_t got = 0;
    while (got < n) {  // a short read is allowed; the kernel asks again
        const ssize_t r = e.read(off + got, buf.data() + got, n - got);
        EXPECT_GE(r, 0) << "offset " << off + got;
        if (r <= 0)
            break;
        got += size_t(r);
    }
    buf.resize(got);
    return buf;
}

}  // namespace atfs::test
