// A TrailFs over a MemoryBackend with a fixed "today", and helpers that walk paths and
// read files the way the kernel would.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "MemoryBackend.h"
#include "TrailFs.h"

namespace atfs::test {

inline at::Date D(const char* s) {
    return *at::Date::parse(s);
}
inline int64_t H(const char* s) {
    return at::HourStamp::parse(s)->index();
}

class FsTest : public ::testing::Test {
  protected:
    static constexpr const char* kToday = "2017-07-30";

    void SetUp() override {
        backend.setSpaces(at::SpaceList{
            "demo@example.com",
            true,
            {{"g-dev", "dev", "acme"}, {"g-prod", "prod", "acme"}, {"g-ops", "ops", "beta"}}});
        // The account: 2017-06-01..2017-07-29, events in hours 2, 9 and 17.
        for (at::Date d = D("2017-06-01"); d <= D("2017-07-29"); d = d.plusDays(1))
            for (int h : {2, 9, 17})
                backend.addGeneratedEvents("account", {d, h}, 5 + d.day() % 7, 180, 1);
        // One big day: every hour, ~1.4 MiB inflated.
        for (int h = 0; h < 24; ++h)
            backend.addGeneratedEvents("account", {D("2017-07-10"), h}, 200, 300, 2);
        backend.addGeneratedEvents("account", {D(kToday), 1}, 10, 200, 3);
        backend.addGeneratedEvents("g-dev", {D("2017-07-20"), 0}, 3, 150, 4);
        backend.addGeneratedEvents("g-dev", {D("2017-07-22"), 23}, 4, 150, 5);
        options.today = [] { return D(kToday); };
        options.openHour = [] { return H("2017-07-30T00"); };  // all of today still open
        // Small windows so a ~1 MiB file exercises every seek path.
        options.windowBytes = 64 << 10;
        options.skipAhead = 256 << 10;
        options.limitRetryBudget = std::chrono::milliseconds(10000);
        options.gateTimeout = std::chrono::milliseconds(20000);
        options.tag = "atfs host=test pid=1 mnt=/m";
    }

    // Created at first use, which may be from several reader threads at once.
    TrailFs& fs() {
        std::lock_guard lk(fsMu_);
        if (!fs_)
            fs_ = std::make_unique<TrailFs>(backend, options);
        return *fs_;
    }

    // The inode of a path like "account/2017-07-10.json", or 0 (err set).
    uint64_t walk(const std::string& path, int* err = nullptr) {
        uint64_t ino = 1;
        std::stringstream ss(path);
        std::string part;
        while (std::getline(ss, part, '/')) {
            Attr a;
            if (int e = fs().lookup(ino, part, a)) {
                if (err)
                    *err = e;
                return 0;
            }
            ino = a.ino;
        }
        if (err)
            *err = 0;
        return ino;
    }

    uint64_t open(const std::string& path) {
        const uint64_t ino = walk(path);
        EXPECT_NE(ino, 0u) << path;
        OpenResult r;
        EXPECT_EQ(fs().open(ino, O_RDONLY, r), 0) << path;
        return r.fh;
    }

    // Reads the whole file in `chunk`-sized requests, as cat does.
    std::string readAll(const std::string& path, size_t chunk = 128 << 10) {
        const uint64_t fh = open(path);
        std::string out, buf(chunk, '\0');
        for (;;) {
            const ssize_t r = fs().read(fh, out.size(), chunk, buf.data());
            EXPECT_GE(r, 0) << path;
            if (r <= 0)
                break;
            out.append(buf.data(), size_t(r));
        }
        fs().release(fh);
        return out;
    }

    std::string readAt(uint64_t fh, uint64_t off, size_t n) {
        std::string buf(n, '\0');
        const ssize_t r = fs().read(fh, off, n, buf.data());
        EXPECT_GE(r, 0);
        buf.resize(r < 0 ? 0 : size_t(r));
        return buf;
    }

    uint64_t sizeOf(const std::string& path) {
        Attr a;
        EXPECT_EQ(fs().getattr(walk(path), a), 0) << path;
        return a.size;
    }

    std::string dayJson(const char* key, const char* day) {
        return backend.inflated(key, HourSpan::ofDay(D(day)).first, HourSpan::ofDay(D(day)).last);
    }

    MemoryBackend backend;
    FsOptions options;
    std::mutex fsMu_;
    std::unique_ptr<TrailFs> fs_;
};

}  // namespace atfs::test
