#include "MemoryBackend.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "at/ApiLimits.h"

namespace atfs {

namespace {

class StringStream : public at::DownloadStream {
  public:
    StringStream(std::string data, uint64_t start, uint64_t gzipTotal, uint64_t failAfter)
        : data_(std::move(data)),
          pos_(start),
          start_(start),
          gzipTotal_(gzipTotal),
          failAfter_(failAfter) {}
    void cancel() override { cancelled_ = true; }
    size_t read(char* buf, size_t n) override {
        if (cancelled_)
            return 0;
        if (failAfter_ && pos_ - start_ + 1 > failAfter_)
            throw at::ApiError(at::ErrorKind::Network, "GET /v3/events/download", 0,
                               "connection reset (injected)");
        size_t take = std::min<uint64_t>(n, data_.size() - pos_);
        if (failAfter_)
            take = std::min<uint64_t>(take, failAfter_ - (pos_ - start_));
        std::memcpy(buf, data_.data() + pos_, take);
        pos_ += take;
        return take;
    }
    uint64_t position() const override { return pos_ - start_; }
    uint64_t gzipReceived() const override { return pos_ - start_; }
    uint64_t gzipTotal() const override { return gzipTotal_; }

  private:
    std::string data_;
    uint64_t pos_, start_, gzipTotal_, failAfter_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace

MemoryBackend::MemoryBackend() {
    spaces_.user = "test@example.com";
}

void MemoryBackend::setSpaces(at::SpaceList list) {
    std::lock_guard lk(mu_);
    spaces_ = std::move(list);
}

void MemoryBackend::addEvents(const std::string& key, at::HourStamp hour,
                              const std::string& lines) {
    std::lock_guard lk(mu_);
    Hour& h = events_[key][hour.index()];
    h.inflated += lines;
    h.gzip += gzipMember(lines);
}

void MemoryBackend::addGeneratedEvents(const std::string& key, at::HourStamp hour, int lines,
                                       int lineBytes, uint32_t seed) {
    std::string text;
    uint32_t x = seed * 2654435761u + uint32_t(hour.index());
    for (int i = 0; i < lines; ++i) {
        std::string line = "{\"id\":\"" + std::to_string(seed) + "-" + hour.str() + "-" +
                           std::to_string(i) + "\",\"eventTime\":\"" + hour.str() +
                           ":00:00Z\",\"pad\":\"";
        while (int(line.size()) < lineBytes - 3) {
            x = x * 1103515245u + 12345u;
            line += char('a' + (x >> 16) % 26);
        }
        text += line + "\"}\n";
    }
    addEvents(key, hour, text);
}

void MemoryBackend::misreportHour(const std::string& key, at::HourStamp hour, int64_t sizeDelta,
                                  int64_t gzipSizeDelta) {
    std::lock_guard lk(mu_);
    misreported_[{key, hour.index()}] = {sizeDelta, gzipSizeDelta};
}

void MemoryBackend::failNext(const std::string& call, at::ErrorKind kind, int status, int count) {
    std::lock_guard lk(mu_);
    failures_[call] = {kind, {status, count}};
}

void MemoryBackend::maybeFail(const std::string& call) {
    auto it = failures_.find(call);
    if (it == failures_.end() || it->second.second.second <= 0)
        return;
    it->second.second.second--;
    throw at::ApiError(it->second.first, call, it->second.second.first, "injected failure",
                       it->second.first == at::ErrorKind::LimitReached ? 1 : 0);
}

void MemoryBackend::addForeignSession(const at::Session& s) {
    std::lock_guard lk(mu_);
    live_[s.id] = Live{s, s.accountLevel ? "account" : s.space, {}, {}};
}

std::string MemoryBackend::concatHours(const std::string& key, int64_t first, int64_t last,
                                       std::string Hour::*field) const {
    std::lock_guard lk(mu_);
    std::string out;
    auto d = events_.find(key);
    if (d == events_.end())
        return out;
    for (auto it = d->second.lower_bound(first); it != d->second.end() && it->first <= last; ++it)
        out += it->second.*field;
    return out;
}

std::string MemoryBackend::inflated(const std::string& key, int64_t first, int64_t last) const {
    return concatHours(key, first, last, &Hour::inflated);
}

std::string MemoryBackend::rawGzip(const std::string& key, int64_t first, int64_t last) const {
    return concatHours(key, first, last, &Hour::gzip);
}

MemoryBackend::Counters MemoryBackend::counters() const {
    std::lock_guard lk(mu_);
    return counters_;
}

std::vector<at::Session> MemoryBackend::liveSessions() const {
    std::lock_guard lk(mu_);
    std::vector<at::Session> out;
    for (auto& [id, l] : live_)
        out.push_back(l.session);
    return out;
}

at::SpaceList MemoryBackend::spaces() {
    spacesCalls_++;
    std::lock_guard lk(mu_);
    maybeFail("spaces");
    return spaces_;
}

std::vector<at::DayStatus> MemoryBackend::status(const at::Domain& domain,
                                                 std::optional<at::Date> start,
                                                 std::optional<at::Date> end) {
    statusCalls_++;
    if (int ms = statusDelayMs_)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    std::lock_guard lk(mu_);
    maybeFail("status");
    std::vector<at::DayStatus> days;
    auto d = events_.find(domainKey(domain));
    if (d == events_.end())
        return days;
    for (auto& [index, h] : d->second) {
        at::Date date(int32_t(index / 24));
        if ((start && date < *start) || (end && *end < date))
            continue;
        if (days.empty() || days.back().date != date)
            days.push_back(at::DayStatus{date, 0, 0, 0, {}, 0});
        at::DayStatus& day = days.back();
        at::HourStatus hs{int(index % 24),
                          uint64_t(std::count(h.inflated.begin(), h.inflated.end(), '\n')),
                          h.inflated.size(), h.gzip.size()};
        if (auto m = misreported_.find({domainKey(domain), index}); m != misreported_.end()) {
            hs.size = uint64_t(int64_t(hs.size) + m->second.first);
            hs.gzipSize = uint64_t(int64_t(hs.gzipSize) + m->second.second);
        }
        day.count += hs.count;
        day.size += hs.size;
        day.gzipSize += hs.gzipSize;
        day.hours.push_back(hs);
    }
    if (!reportSizes_) {
        for (at::DayStatus& d : days) {
            d.size = d.gzipSize = 0;
            d.hours.clear();
        }
    }
    return days;
}

at::Session MemoryBackend::createSession(const at::Domain& domain, const at::SessionRequest& req) {
    std::lock_guard lk(mu_);
    maybeFail("create");
    if (!req.start || !req.end || req.end->days() - req.start->days() >= at::kMaxSessionDays ||
        *req.end < *req.start)
        throw at::ApiError(at::ErrorKind::BadRequest, "POST /v3/sessions", 400, "bad range");
    const std::string key = domainKey(domain);
    int liveHere = 0;
    for (auto& [id, l] : live_)
        liveHere += l.domainKey == key;
    if (liveHere >= limit_)
        throw at::ApiError(at::ErrorKind::LimitReached, "POST /v3/sessions", 429,
                           "too many live sessions", 1);
    Live l;
    l.domainKey = key;
    // Not "s" + to_string(): GCC 12 at -O3 reports a false -Wrestrict on it (PR105329).
    char id[24];
    std::snprintf(id, sizeof id, "s%d", nextId_++);
    l.session.id = id;
    l.session.space = domain.projectId;
    l.session.accountLevel = domain.accountLevel;
    l.session.start = *req.start;
    l.session.end = *req.end;
    l.session.hour = req.hour;
    l.session.tag = req.tag;
    auto d = events_.find(key);
    if (d != events_.end()) {
        for (auto& [index, h] : d->second) {
            at::Date date(int32_t(index / 24));
            if (date < *req.start || *req.end < date)
                continue;
            if (req.hour && index % 24 != *req.hour)
                continue;
            l.inflated += h.inflated;
            l.gzip += h.gzip;
            l.session.count += std::count(h.inflated.begin(), h.inflated.end(), '\n');
        }
    }
    l.session.size = l.inflated.size();
    l.session.gzipSize = l.gzip.size();
    at::Session s = l.session;
    live_[s.id] = std::move(l);
    counters_.created++;
    counters_.maxLivePerDomain = std::max(counters_.maxLivePerDomain, liveHere + 1);
    return s;
}

void MemoryBackend::deleteSession(const at::Domain&, const std::string& id) {
    std::lock_guard lk(mu_);
    maybeFail("delete");
    if (live_.erase(id) == 0)
        throw at::ApiError(at::ErrorKind::NotFound, "DELETE /v3/sessions/" + id, 404,
                           "no such session");
    counters_.deleted++;
}

std::vector<at::Session> MemoryBackend::listSessions(const at::Domain&) {
    {
        std::lock_guard lk(mu_);
        maybeFail("list");
    }
    return liveSessions();
}

std::unique_ptr<at::DownloadStream> MemoryBackend::download(const at::Domain&,
                                                            const std::string& id,
                                                            at::DownloadMode mode,
                                                            uint64_t rawOffset) {
    std::lock_guard lk(mu_);
    maybeFail("download");
    auto it = live_.find(id);
    if (it == live_.end())
        throw at::ApiError(at::ErrorKind::NotFound, "GET /v3/events/download", 404,
                           "no such session");
    counters_.downloads++;
    const Live& l = it->second;
    if (mode == at::DownloadMode::Raw)
        return std::make_unique<StringStream>(l.gzip, std::min<uint64_t>(rawOffset, l.gzip.size()),
                                              l.gzip.size(), failAfter_);
    return std::make_unique<StringStream>(l.inflated, 0, l.gzip.size(), failAfter_);
}

// The slice of the session's raw bytes, refused as at::Client::downloadRange refuses it.
std::unique_ptr<at::DownloadStream> MemoryBackend::downloadRange(const at::Domain&,
                                                                 const std::string& id,
                                                                 uint64_t offset, uint64_t length) {
    std::lock_guard lk(mu_);
    maybeFail("range");
    const std::string call = "GET /v3/events/download (session " + id + ")";
    auto it = live_.find(id);
    if (it == live_.end())
        throw at::ApiError(at::ErrorKind::NotFound, call, 404, "no such session");
    const std::string& gzip = it->second.gzip;
    if (length == 0)
        throw at::ApiError(at::ErrorKind::BadRequest, call, 0, "a range of 0 bytes");
    if (offset >= gzip.size())
        throw at::ApiError(at::ErrorKind::BadRequest, call, 416, "range starts past the end");
    if (length > gzip.size() - offset)
        throw at::ApiError(at::ErrorKind::Integrity, call, 206,
                           "asked a range past the end of the download");
    counters_.rangeDownloads++;
    counters_.rangeBytes += length;
    return std::make_unique<StringStream>(gzip.substr(offset, length), 0, gzip.size(), failAfter_);
}

}  // namespace atfs
