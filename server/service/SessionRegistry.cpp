#include "service/SessionRegistry.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <system_error>

#include "service/ApiError.h"

namespace atd {

namespace fs = std::filesystem;

namespace {

// Writes via a temporary file, fsync and rename, so a crash leaves the old file or the new one.
void writeFileAtomically(const fs::path& path, const std::string& content, bool durable) {
    auto tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "cannot write " + tmp.string());
    }
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int err = errno;
            ::close(fd);
            throw std::system_error(err, std::generic_category(), "cannot write " + tmp.string());
        }
        done += size_t(n);
    }
    if (durable) {
        ::fsync(fd);
    }
    ::close(fd);
    fs::rename(tmp, path);
}

}  // namespace

SessionRegistry::SessionRegistry(Store& store, fs::path dir) : store_(store), dir_(std::move(dir)) {
    fs::create_directories(dir_);
}

size_t SessionRegistry::restore(std::ostream& log) {
    std::lock_guard lock(mutex_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const auto& path = entry.path();
        if (path.extension() != ".json") {
            continue;
        }
        try {
            std::ifstream in(path);
            auto session = sessionFromFileJson(nlohmann::json::parse(in));
            if (path.stem() != session.id) {
                throw std::runtime_error("file name and session id differ");
            }
            store_.retain(session.snapshot);
            byId_.emplace(session.id, std::move(session));
        } catch (const std::exception& e) {
            auto aside = path;
            aside += ".bad";
            std::error_code ec;
            fs::rename(path, aside, ec);
            log << "atd: session file " << path.string() << " is unreadable (" << e.what()
                << "); moved to " << aside.string() << ", its session is gone" << std::endl;
        }
    }
    return byId_.size();
}

Session SessionRegistry::create(Session draft) {
    std::lock_guard lock(mutex_);
    auto live = std::count_if(byId_.begin(), byId_.end(), [&](const auto& kv) {
        return kv.second.username == draft.username && kv.second.space == draft.space;
    });
    if (size_t(live) >= kMaxSessionsPerUserAndSpace) {
        ApiError error(429, "user " + draft.username + " already has " + std::to_string(live) +
                                " live sessions in space " + draft.space +
                                " (the limit); delete one (DELETE /v3/sessions/ID) and retry");
        error.retryAfter = kRetryAfterSeconds;
        throw error;
    }
    draft.id = newSessionId();
    draft.createNanos = draft.accessNanos = at::nowNanos();
    draft.snapshot = store_.pin(draft.domain, draft.start, draft.end, draft.hour);
    try {
        persistLocked(draft);
    } catch (...) {
        store_.release(draft.snapshot);
        throw;
    }
    return byId_.emplace(draft.id, draft).first->second;
}

std::optional<Session> SessionRegistry::find(const std::string& id, const std::string& user) const {
    std::lock_guard lock(mutex_);
    auto it = byId_.find(id);
    if (it == byId_.end() || it->second.username != user) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<Session> SessionRegistry::touch(const std::string& id, const std::string& user,
                                              bool retainSnapshot) {
    std::lock_guard lock(mutex_);
    auto it = byId_.find(id);
    if (it == byId_.end() || it->second.username != user) {
        return std::nullopt;
    }
    it->second.accessNanos = at::nowNanos();
    if (retainSnapshot) {
        store_.retain(it->second.snapshot);
    }
    try {
        persistLocked(it->second, /*durable=*/false);
    } catch (const std::exception&) {
        // The access time only feeds the idle sweeper; a stale one on disk costs nothing.
    }
    return it->second;
}

std::vector<Session> SessionRegistry::listOf(const std::string& user) const {
    std::vector<Session> out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, s] : byId_) {
            if (s.username == user) {
                out.push_back(s);
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const Session& a, const Session& b) {
        return std::tie(a.createNanos, a.id) < std::tie(b.createNanos, b.id);
    });
    return out;
}

bool SessionRegistry::remove(const std::string& id, const std::string& user) {
    std::lock_guard lock(mutex_);
    auto it = byId_.find(id);
    if (it == byId_.end() || it->second.username != user) {
        return false;
    }
    eraseLocked(it);
    return true;
}

size_t SessionRegistry::removeIdle(std::chrono::seconds idle) {
    auto cutoff = at::nowNanos() - int64_t(idle.count()) * 1'000'000'000;
    std::lock_guard lock(mutex_);
    size_t removed = 0;
    for (auto it = byId_.begin(); it != byId_.end();) {
        auto next = std::next(it);
        if (it->second.accessNanos < cutoff) {
            eraseLocked(it);
            ++removed;
        }
        it = next;
    }
    return removed;
}

size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return byId_.size();
}

void SessionRegistry::persistLocked(const Session& session, bool durable) const {
    writeFileAtomically(dir_ / (session.id + ".json"), toFileJson(session).dump() + "\n", durable);
}

void SessionRegistry::eraseLocked(std::map<std::string, Session>::iterator it) {
    std::error_code ec;
    fs::remove(dir_ / (it->first + ".json"), ec);
    store_.release(it->second.snapshot);
    byId_.erase(it);
}

}  // namespace atd
