#include "TrailFs.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "ControlFiles.h"
#include "ErrnoMap.h"
#include "Log.h"

namespace atfs {

struct TrailFs::OpenFile {
    uint64_t ino = 0;
    std::unique_ptr<FileStream> stream;  // data files
    std::string content;                 // control files: a snapshot taken at open
};

namespace {
double seconds(std::chrono::milliseconds ms) {
    return double(ms.count()) / 1000.0;
}

Node nodeOf(NodeKind kind, const at::Domain& domain = {}) {
    Node n;
    n.kind = kind;
    n.domain = domain;
    return n;
}

Node controlNode(ControlKind kind) {
    Node n = nodeOf(NodeKind::ControlFile);
    n.control = kind;
    return n;
}

Node linkNode(const at::Domain& domain, int dayOffset) {
    Node n = nodeOf(NodeKind::DayLink, domain);
    n.dayOffset = dayOffset;
    return n;
}
}  // namespace

TrailFs::TrailFs(Backend& backend, FsOptions options)
    : backend_(backend),
      options_(std::move(options)),
      gate_(options_.maxSessionsPerDomain),
      budget_(options_.memoryBudget),
      cache_(backend, options_.cacheTtl, options_.todayTtl),
      streamCtx_{backend, gate_, budget_, stats_, live_, options_.tag} {
    streamCtx_.gateTimeout = options_.gateTimeout;
    streamCtx_.limitRetryBudget = options_.limitRetryBudget;
    streamCtx_.budgetTimeout = options_.budgetTimeout;
    streamCtx_.windowBytes = options_.windowBytes;
    streamCtx_.skipAhead = options_.skipAhead;
}

TrailFs::~TrailFs() {
    shutdown();
}

// Runs a metadata call; a service error becomes one log line and its errno.
template <class F>
int TrailFs::guarded(const std::string& what, const std::string& file, F&& f) {
    try {
        return f();
    } catch (const at::ApiError& e) {
        stats_.errors++;
        return reportError(what, file.empty() ? "/" : file, "", e);
    }
}

std::shared_ptr<const Node> TrailFs::add(const Node& dir, const std::string& name, Node node) {
    node.path = dir.path.empty() ? name : dir.path + "/" + name;
    return inodes_.resolve(dir.ino, name, node);
}

int TrailFs::accountDomain(at::Domain& out) {
    auto spaces = cache_.spaces();
    if (!spaces->accountAccess)
        return EACCES;
    out.accountLevel = true;
    out.projectId = options_.accountProject;
    if (out.projectId.empty()) {
        if (spaces->spaces.empty())
            return EACCES;
        out.projectId = spaces->spaces.front().guid;
    }
    return 0;
}

int TrailFs::checkDomainAccess(const Node& node) {
    if (!node.domain.accountLevel)
        return 0;
    return cache_.spaces()->accountAccess ? 0 : EACCES;
}

int TrailFs::lookup(uint64_t parent, const std::string& name, Attr& out) {
    auto dir = inodes_.get(parent);
    if (!dir)
        return ENOENT;
    if (!dir->isDir())
        return ENOTDIR;
    return guarded("lookup", dir->path + "/" + name, [&] {
        std::shared_ptr<const Node> child;
        if (int err = childOf(*dir, name, child))
            return err;
        return fillAttr(*child, out);
    });
}

int TrailFs::childOf(const Node& dir, const std::string& name, std::shared_ptr<const Node>& out) {
    switch (dir.kind) {
        case NodeKind::Root: {
            Node n;
            if (name == "account") {
                n.kind = NodeKind::AccountDir;
                if (int err = accountDomain(n.domain); err && err != EACCES)
                    return err;
                n.domain.accountLevel = true;
            } else if (name == "spaces") {
                n.kind = NodeKind::SpacesDir;
            } else if (name == ".atfs") {
                n.kind = NodeKind::ControlDir;
            } else {
                return ENOENT;
            }
            out = add(dir, name, n);
            return 0;
        }
        case NodeKind::SpacesDir: {
            for (const at::Space& s : cache_.spaces()->spaces) {
                if (s.org != name)
                    continue;
                Node n;
                n.kind = NodeKind::OrgDir;
                n.org = name;
                out = add(dir, name, n);
                return 0;
            }
            return ENOENT;
        }
        case NodeKind::OrgDir: {
            for (const at::Space& s : cache_.spaces()->spaces) {
                if (s.org != dir.org || s.name != name)
                    continue;
                Node n;
                n.kind = NodeKind::SpaceDir;
                n.domain = at::Domain{s.guid, false};
                out = add(dir, name, n);
                return 0;
            }
            return ENOENT;
        }
        case NodeKind::AccountDir:
        case NodeKind::SpaceDir:
            return domainChild(dir, name, out);
        case NodeKind::DayDir: {
            auto file = parseHourEntry(dir.day, name);
            if (!file)
                return ENOENT;
            Node n;
            n.kind = NodeKind::DataFile;
            n.domain = dir.domain;
            n.file = *file;
            out = add(dir, name, n);
            return 0;
        }
        case NodeKind::ControlDir: {
            Node n;
            n.kind = NodeKind::ControlFile;
            n.domain = dir.domain;
            if (name == "status.json")
                n.control = ControlKind::Status;
            else if (name == "sessions.json")
                n.control = ControlKind::Sessions;
            else if (name == "stats.json")
                n.control = ControlKind::Stats;
            else
                return ENOENT;
            out = add(dir, name, n);
            return 0;
        }
        default:
            return ENOTDIR;
    }
}

int TrailFs::domainChild(const Node& dir, const std::string& name,
                         std::shared_ptr<const Node>& out) {
    if (int err = checkDomainAccess(dir))
        return err;
    auto entry = parseDomainEntry(name);
    if (!entry)
        return ENOENT;
    const at::Date today = options_.today();
    Node n;
    n.domain = dir.domain;
    switch (entry->kind) {
        case DomainEntry::Kind::TodayLink:
        case DomainEntry::Kind::YesterdayLink:
            n.kind = NodeKind::DayLink;
            n.dayOffset = entry->kind == DomainEntry::Kind::TodayLink ? 0 : -1;
            break;
        case DomainEntry::Kind::DayDir:
            if (today < entry->day)
                return ENOENT;  // the future holds no events
            n.kind = NodeKind::DayDir;
            n.day = entry->day;
            break;
        case DomainEntry::Kind::DayFile:
        case DomainEntry::Kind::Range:
            if (today < entry->file.span.firstDay())
                return ENOENT;
            n.kind = NodeKind::DataFile;
            n.file = entry->file;
            break;
    }
    out = add(dir, name, n);
    return 0;
}

int TrailFs::fileLayout(const Node& node, std::vector<Segment>& plan, bool& known, bool& growing) {
    const at::Date today = options_.today();
    auto index = cache_.index(node.domain, today);
    plan = planSegments(*index, node.file.span);
    known = sizesKnown(*index, node.file.span);
    growing = !(node.file.span.lastDay() < today);
    return 0;
}

int TrailFs::fillAttr(const Node& node, Attr& out) {
    const int64_t now = std::time(nullptr);
    out = Attr{};
    out.ino = node.ino;
    out.mtime = now;
    out.ttl = seconds(options_.cacheTtl);
    if (node.isDir()) {
        out.mode = S_IFDIR | 0555;
        out.nlink = 2;
        // Listings of domain folders change as today's events arrive.
        if (node.kind == NodeKind::AccountDir || node.kind == NodeKind::SpaceDir ||
            node.kind == NodeKind::DayDir)
            out.ttl = seconds(options_.todayTtl);
        return 0;
    }
    if (node.kind == NodeKind::DayLink) {
        out.mode = S_IFLNK | 0777;
        out.size = dayFileName(options_.today(), Format::Json).size();
        out.ttl = seconds(options_.todayTtl);
        return 0;
    }
    if (node.kind == NodeKind::ControlFile) {
        out.mode = S_IFREG | 0444;
        out.ttl = 0;  // generated at open, read with direct I/O
        return 0;
    }
    if (int err = checkDomainAccess(node))
        return err;
    std::vector<Segment> plan;
    bool known = true, growing = false;
    fileLayout(node, plan, known, growing);
    out.mode = S_IFREG | 0444;
    out.size = known ? plannedSize(plan, node.file.format) : 0;
    if (auto observed = inodes_.observedSize(node.ino)) {
        out.size = (growing && known) ? std::max(out.size, *observed) : *observed;
    }
    out.mtime = std::min<int64_t>(now, (node.file.span.last + 1) * 3600);
    if (growing)
        out.ttl = seconds(options_.todayTtl);
    return 0;
}

int TrailFs::getattr(uint64_t ino, Attr& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    return guarded("getattr", node->path, [&] { return fillAttr(*node, out); });
}

int TrailFs::readdir(uint64_t ino, std::vector<DirEntry>& out) {
    auto dir = inodes_.get(ino);
    if (!dir)
        return ENOENT;
    if (!dir->isDir())
        return ENOTDIR;
    return guarded("readdir", dir->path, [&] {
        out.clear();
        auto put = [&](const std::string& name, Node n) {
            auto child = add(*dir, name, n);
            out.push_back({name, child->ino,
                           mode_t(child->isDir()                     ? S_IFDIR
                                  : child->kind == NodeKind::DayLink ? S_IFLNK
                                                                     : S_IFREG)});
        };
        switch (dir->kind) {
            case NodeKind::Root: {
                Node a;
                a.kind = NodeKind::AccountDir;
                if (int err = accountDomain(a.domain); err && err != EACCES)
                    return err;
                a.domain.accountLevel = true;
                put("account", a);
                put("spaces", nodeOf(NodeKind::SpacesDir));
                put(".atfs", nodeOf(NodeKind::ControlDir));
                return 0;
            }
            case NodeKind::SpacesDir: {
                std::string last;
                for (const at::Space& s : cache_.spaces()->spaces) {
                    if (s.org == last)
                        continue;
                    last = s.org;
                    Node n;
                    n.kind = NodeKind::OrgDir;
                    n.org = s.org;
                    put(s.org, n);
                }
                return 0;
            }
            case NodeKind::OrgDir: {
                for (const at::Space& s : cache_.spaces()->spaces) {
                    if (s.org != dir->org)
                        continue;
                    Node n;
                    n.kind = NodeKind::SpaceDir;
                    n.domain = at::Domain{s.guid, false};
                    put(s.name, n);
                }
                return 0;
            }
            case NodeKind::AccountDir:
            case NodeKind::SpaceDir: {
                if (int err = checkDomainAccess(*dir))
                    return err;
                auto index = cache_.index(dir->domain, options_.today());
                for (auto& [days, status] : *index) {
                    if (status.count == 0)
                        continue;
                    for (Format f : {Format::Json, Format::JsonGz}) {
                        Node n = nodeOf(NodeKind::DataFile, dir->domain);
                        n.file = FileName{HourSpan::ofDay(status.date), f, false};
                        put(dayFileName(status.date, f), n);
                    }
                    Node d = nodeOf(NodeKind::DayDir, dir->domain);
                    d.day = status.date;
                    put(status.date.str(), d);
                }
                put("today.json", linkNode(dir->domain, 0));
                put("yesterday.json", linkNode(dir->domain, -1));
                return 0;
            }
            case NodeKind::DayDir: {
                if (int err = checkDomainAccess(*dir))
                    return err;
                auto index = cache_.index(dir->domain, options_.today());
                auto it = index->find(dir->day.days());
                if (it == index->end())
                    return 0;
                for (const at::HourStatus& h : it->second.hours) {
                    if (h.count == 0)
                        continue;
                    for (Format f : {Format::Json, Format::JsonGz}) {
                        Node n = nodeOf(NodeKind::DataFile, dir->domain);
                        n.file = FileName{HourSpan::ofHour({dir->day, h.hour}), f, false};
                        put(hourFileName(h.hour, f), n);
                    }
                }
                return 0;
            }
            case NodeKind::ControlDir:
                put("status.json", controlNode(ControlKind::Status));
                put("sessions.json", controlNode(ControlKind::Sessions));
                put("stats.json", controlNode(ControlKind::Stats));
                return 0;
            default:
                return ENOTDIR;
        }
    });
}

int TrailFs::readlink(uint64_t ino, std::string& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    if (node->kind != NodeKind::DayLink)
        return EINVAL;
    out = dayFileName(options_.today().plusDays(node->dayOffset), Format::Json);
    return 0;
}

int TrailFs::open(uint64_t ino, int flags, OpenResult& out) {
    auto node = inodes_.get(ino);
    if (!node)
        return ENOENT;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_CREAT)))
        return EROFS;
    if (node->isDir())
        return EISDIR;
    auto file = std::make_shared<OpenFile>();
    file->ino = ino;
    out = OpenResult{};
    if (node->kind == NodeKind::ControlFile) {
        file->content = renderControl(node->control);
        out.directIo = true;
    } else if (node->kind == NodeKind::DataFile) {
        int err = guarded("open", node->path, [&] {
            if (int e = checkDomainAccess(*node))
                return e;
            std::vector<Segment> plan;
            bool known = true, growing = false;
            fileLayout(*node, plan, known, growing);
            // No session here: `open` alone (file managers, find -newer) costs nothing.
            file->stream = std::make_unique<FileStream>(streamCtx_, node->domain, node->path,
                                                        std::move(plan), node->file.format);
            out.directIo = growing || !known;
            out.keepCache = !out.directIo;
            return 0;
        });
        if (err)
            return err;
    } else {
        return EINVAL;
    }
    std::lock_guard lk(handlesMu_);
    out.fh = nextFh_++;
    handles_[out.fh] = file;
    return 0;
}

ssize_t TrailFs::read(uint64_t fh, uint64_t offset, size_t n, char* buf,
                      const FileStream::Cancelled& cancelled) {
    std::shared_ptr<OpenFile> file;
    {
        std::lock_guard lk(handlesMu_);
        auto it = handles_.find(fh);
        if (it == handles_.end())
            return -EBADF;
        file = it->second;
    }
    if (!file->stream) {
        if (offset >= file->content.size())
            return 0;
        const size_t take = std::min<uint64_t>(n, file->content.size() - offset);
        std::memcpy(buf, file->content.data() + offset, take);
        return ssize_t(take);
    }
    const ssize_t r = file->stream->read(offset, buf, n, cancelled);
    if (r > 0)
        stats_.bytesOut += uint64_t(r);
    if (auto size = file->stream->takeSizeChange()) {
        // The service's snapshot differs from st_size (today grew): tell the kernel.
        inodes_.setObservedSize(file->ino, *size);
        if (invalidate_)
            invalidate_(file->ino);
    }
    return r;
}

void TrailFs::release(uint64_t fh) {
    std::shared_ptr<OpenFile> file;
    {
        std::lock_guard lk(handlesMu_);
        auto it = handles_.find(fh);
        if (it == handles_.end())
            return;
        file = std::move(it->second);
        handles_.erase(it);
    }
    if (file->stream)
        file->stream->close();
}

void TrailFs::flushCaches() {
    cache_.flush();
}

void TrailFs::shutdown() {
    std::unordered_map<uint64_t, std::shared_ptr<OpenFile>> open;
    {
        std::lock_guard lk(handlesMu_);
        open.swap(handles_);
    }
    for (auto& [fh, file] : open)
        if (file->stream)
            file->stream->close();
    // Sessions of streams still inside a read (should be none after the loop ended).
    for (const LiveSession& s : live_.snapshot()) {
        try {
            backend_.deleteSession(s.domain, s.id);
            stats_.sessionsDeleted++;
        } catch (const at::ApiError& e) {
            reportError("delete session at unmount", s.file, s.id, e);
        }
        live_.remove(s.id);
    }
}

std::string TrailFs::renderControl(ControlKind kind) {
    switch (kind) {
        case ControlKind::Sessions:
            return renderSessions(live_.snapshot());
        case ControlKind::Stats:
            return renderStats(stats_, budget_.used(), budget_.total());
        case ControlKind::Status: {
            std::shared_ptr<const at::SpaceList> spaces;
            try {
                spaces = cache_.spaces();
            } catch (const at::ApiError& e) {
                reportError("status", ".atfs/status.json", "", e);
            }
            return renderStatus(backend_.endpoint(), spaces.get(), cache_.state(),
                                options_.maxSessionsPerDomain, options_.tag);
        }
    }
    return "{}\n";
}

}  // namespace atfs
