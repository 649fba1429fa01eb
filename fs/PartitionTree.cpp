// The tree of MNT/by-date/ (PartitionNames.h): the same data files as the domain folders,
// one per hour with events, under paths that carry domain, date and hour as key=value.
// Listings come from the day index like the domain folders'; nothing here opens a session.
#include <cerrno>

#include "PartitionNames.h"
#include "TrailFs.h"

namespace atfs {

namespace {

Node partitionNode(NodeKind kind, const at::Domain& domain) {
    Node n;
    n.kind = kind;
    n.domain = domain;
    return n;
}

}  // namespace

int TrailFs::partitionDomain(const std::string& key, at::Domain& out) {
    if (key == "account")
        return accountDomain(out) == 0 ? 0 : ENOENT;
    for (const at::Space& s : cache_.spaces()->spaces)
        if (s.guid == key) {
            out = at::Domain{s.guid, false};
            return 0;
        }
    return ENOENT;
}

int TrailFs::partitionChild(const Node& dir, const std::string& name,
                            std::shared_ptr<const Node>& out) {
    const at::Date today = options_.today();
    Node n = partitionNode(NodeKind::PartitionDomain, dir.domain);
    switch (dir.kind) {
        case NodeKind::PartitionRoot: {
            auto key = parsePartitionDomain(name);
            if (!key)
                return ENOENT;
            if (int err = partitionDomain(*key, n.domain))
                return err;
            break;
        }
        case NodeKind::PartitionDomain: {
            auto day = parsePartitionDay(name);
            if (!day || today < *day)
                return ENOENT;  // the future holds no events
            n.kind = NodeKind::PartitionDay;
            n.day = *day;
            break;
        }
        case NodeKind::PartitionDay: {
            auto hour = parsePartitionHour(name);
            if (!hour)
                return ENOENT;
            n.kind = NodeKind::PartitionHour;
            n.day = dir.day;
            n.file.span = HourSpan::ofHour({dir.day, *hour});
            break;
        }
        case NodeKind::PartitionHour: {
            auto format = parsePartitionFile(name);
            if (!format)
                return ENOENT;
            n.kind = NodeKind::DataFile;
            n.file = FileName{dir.file.span, *format, false};
            break;
        }
        default:
            return ENOTDIR;
    }
    out = add(dir, name, n);
    return 0;
}

int TrailFs::partitionListing(const Node& dir,
                              const std::function<void(const std::string&, Node)>& put) {
    switch (dir.kind) {
        case NodeKind::PartitionRoot: {
            at::Domain account;
            if (accountDomain(account) == 0)
                put(partitionDomainName("account"),
                    partitionNode(NodeKind::PartitionDomain, account));
            for (const at::Space& s : cache_.spaces()->spaces)
                put(partitionDomainName(s.guid),
                    partitionNode(NodeKind::PartitionDomain, at::Domain{s.guid, false}));
            return 0;
        }
        case NodeKind::PartitionDomain: {
            if (int err = checkDomainAccess(dir))
                return err;
            for (auto& [days, status] : *cache_.index(dir.domain, options_.today())) {
                if (status.count == 0)
                    continue;
                Node d = partitionNode(NodeKind::PartitionDay, dir.domain);
                d.day = status.date;
                put(partitionDayName(status.date), d);
            }
            return 0;
        }
        case NodeKind::PartitionDay: {
            if (int err = checkDomainAccess(dir))
                return err;
            auto index = cache_.index(dir.domain, options_.today());
            auto it = index->find(dir.day.days());
            if (it == index->end())
                return 0;
            for (const at::HourStatus& h : it->second.hours) {
                if (h.count == 0)
                    continue;
                Node hour = partitionNode(NodeKind::PartitionHour, dir.domain);
                hour.day = dir.day;
                hour.file.span = HourSpan::ofHour({dir.day, h.hour});
                put(partitionHourName(h.hour), hour);
            }
            return 0;
        }
        case NodeKind::PartitionHour:
            for (Format f : {Format::Json, Format::JsonGz}) {
                Node file = partitionNode(NodeKind::DataFile, dir.domain);
                file.file = FileName{dir.file.span, f, false};
                put(partitionFileName(f), file);
            }
            return 0;
        default:
            return ENOTDIR;
    }
}

}  // namespace atfs
