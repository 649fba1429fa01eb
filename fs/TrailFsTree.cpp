// The tree's shape: which names exist under each kind of folder (lookup and listing).
#include <sys/stat.h>

#include <cerrno>

#include "PartitionNames.h"
#include "TrailFs.h"

namespace atfs {

namespace {

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
            } else if (name == kPartitionRoot) {
                n.kind = NodeKind::PartitionRoot;
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
        case NodeKind::PartitionRoot:
        case NodeKind::PartitionDomain:
        case NodeKind::PartitionDay:
        case NodeKind::PartitionHour:
            return partitionChild(dir, name, out);
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
            else if (name == "metrics")
                n.control = ControlKind::Metrics;
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
                put(kPartitionRoot, nodeOf(NodeKind::PartitionRoot));
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
            case NodeKind::PartitionRoot:
            case NodeKind::PartitionDomain:
            case NodeKind::PartitionDay:
            case NodeKind::PartitionHour:
                return partitionListing(*dir, put);
            case NodeKind::ControlDir:
                put("status.json", controlNode(ControlKind::Status));
                put("sessions.json", controlNode(ControlKind::Sessions));
                put("stats.json", controlNode(ControlKind::Stats));
                put("metrics", controlNode(ControlKind::Metrics));
                return 0;
            default:
                return ENOTDIR;
        }
    });
}

}  // namespace atfs
