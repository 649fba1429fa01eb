#include "read/HourIndex.h"

#include <algorithm>

#include "read/MemberScan.h"

namespace atfs::read {
namespace {

AccessPoint memberPoint(const MemberStart& m) {
    AccessPoint p;
    p.out = m.out;
    p.in = m.in;
    p.memberStart = true;
    p.memberOut = m.out;
    return p;
}

bool byOut(const AccessPoint& a, uint64_t out) {
    return a.out < out;
}

}  // namespace

std::shared_ptr<HourIndex> HourIndex::scan(std::string_view gz, uint64_t size) {
    return build(gz, size, scanMembers(gz, size));
}

std::shared_ptr<HourIndex> HourIndex::onePiece(std::string_view gz, uint64_t size) {
    return build(gz, size, {});
}

std::shared_ptr<HourIndex> HourIndex::build(std::string_view gz, uint64_t size,
                                            std::vector<MemberStart> members) {
    auto index = std::make_shared<HourIndex>();
    index->size_ = size;
    index->gzSize_ = gz.size();
    index->membersVerified_ = !members.empty() || (gz.empty() && size == 0);
    if (members.empty() && !gz.empty())
        members.push_back({0, 0});  // one piece, read front to back
    for (const MemberStart& m : members)
        index->members_.push_back(memberPoint(m));
    index->points_ = index->members_;
    return index;
}

std::vector<AccessPoint> HourIndex::members() const {
    return members_;
}

AccessPoint HourIndex::nearest(uint64_t offset) const {
    std::lock_guard lock(mu_);
    auto it = std::upper_bound(points_.begin(), points_.end(), offset,
                               [](uint64_t o, const AccessPoint& p) { return o < p.out; });
    if (it == points_.begin()) {
        AccessPoint start;  // an empty hour: its start
        start.memberStart = true;
        return start;
    }
    return *std::prev(it);
}

std::vector<uint64_t> HourIndex::pointOffsets() const {
    std::lock_guard lk(mu_);
    std::vector<uint64_t> out;
    out.reserve(points_.size());
    for (const AccessPoint& p : points_)
        out.push_back(p.out);
    return out;
}

void HourIndex::add(AccessPoint point) {
    if (point.memberStart || point.out >= size_)
        return;  // member starts come from the scan; a point at the end serves no read
    std::lock_guard lock(mu_);
    auto it = std::lower_bound(points_.begin(), points_.end(), point.out, byOut);
    if (it != points_.end() && it->out - point.out < kPointSpan / 2)
        return;
    if (it != points_.begin() && point.out - std::prev(it)->out < kPointSpan / 2)
        return;
    points_.insert(it, std::move(point));
}

size_t HourIndex::pointCount() const {
    std::lock_guard lock(mu_);
    return points_.size();
}

bool HourIndex::membersVerified() const {
    return membersVerified_;
}

}  // namespace atfs::read
