#include "LiveFile.h"

#include <algorithm>

namespace atfs {

std::optional<Growth> growthAfter(const DayIndex& index, HourSpan span, Format format,
                                  uint64_t end) {
    Growth growth;
    uint64_t at = 0;  // file offset where the current hour starts
    bool found = false;
    for (auto it = index.lower_bound(span.firstDay().days());
         it != index.end() && it->first <= span.lastDay().days(); ++it) {
        std::vector<at::HourStatus> hours = it->second.hours;
        std::sort(hours.begin(), hours.end(),
                  [](const auto& a, const auto& b) { return a.hour < b.hour; });
        for (const at::HourStatus& h : hours) {
            const int64_t stamp = at::HourStamp{it->second.date, h.hour}.index();
            if (stamp < span.first || stamp > span.last || h.count == 0)
                continue;
            Segment s{it->second.date, it->second.date, h.hour, h.size, h.gzipSize};
            if (!found && at + s.bytes(format) > end) {
                found = true;
                growth.origin = at;
            }
            if (found)
                growth.plan.push_back(s);
            at += s.bytes(format);
        }
    }
    if (!found)
        return std::nullopt;
    return growth;
}

LiveFile::LiveFile(StreamContext& ctx, at::Domain domain, std::string file, HourSpan span,
                   Format format, std::vector<Segment> plan, IndexSource index)
    : ctx_(ctx),
      domain_(std::move(domain)),
      file_(std::move(file)),
      span_(span),
      format_(format),
      index_(std::move(index)) {
    Part base;
    base.length = plannedSize(plan, format_);
    base.stream = std::make_unique<FileStream>(ctx_, domain_, file_, std::move(plan), format_);
    parts_.push_back(std::move(base));
}

LiveFile::~LiveFile() {
    close();
}

void LiveFile::close() {
    std::lock_guard lk(mu_);
    for (Part& p : parts_)
        p.stream->close();
}

std::optional<uint64_t> LiveFile::takeSizeChange() {
    std::lock_guard lk(mu_);
    auto change = sizeChange_;
    sizeChange_.reset();
    return change;
}

void LiveFile::noteLength(Part& part) {
    if (auto length = part.stream->takeSizeChange()) {
        part.length = *length;
        if (&part == &parts_.back())
            sizeChange_ = part.end();
    }
}

ssize_t LiveFile::read(uint64_t offset, char* buf, size_t n,
                       const FileStream::Cancelled& cancelled) {
    std::lock_guard lk(mu_);
    for (;;) {
        auto part = std::find_if(parts_.rbegin(), parts_.rend(),
                                 [&](const Part& p) { return p.start <= offset; });
        const ssize_t r = part->stream->read(offset - part->origin, buf, n, cancelled);
        noteLength(*part);
        if (r != 0)
            return r;
        // At the end of what this open file has seen: did the file grow since?
        const Part& last = parts_.back();
        if (offset < last.end() || !follow(last.end()))
            return 0;
    }
}

bool LiveFile::follow(uint64_t end) {
    std::shared_ptr<const DayIndex> index;
    try {
        index = index_();
    } catch (const at::ApiError&) {
        return false;  // the status failed: the reader sees the end for now and asks again
    }
    auto growth = growthAfter(*index, span_, format_, end);
    if (!growth)
        return false;
    parts_.back().stream->idle();  // consumed: its window's memory goes back
    ctx_.stats.follows++;
    if (parts_.size() >= kMaxParts) {
        // A tail that follows for days would keep one part per growth: start over with one
        // part for the whole file as the index has it now (a restart in it skips by pinned
        // sizes and reads on to the offset, as any far seek does).
        std::vector<Segment> plan = planSegments(*index, span_);
        Part whole;
        whole.length = plannedSize(plan, format_);
        whole.stream = std::make_unique<FileStream>(ctx_, domain_, file_, std::move(plan), format_);
        parts_.clear();
        parts_.push_back(std::move(whole));
        sizeChange_ = parts_.back().end();
        return true;
    }
    Part next;
    next.origin = growth->origin;
    next.start = end;
    next.length = plannedSize(growth->plan, format_);
    next.stream =
        std::make_unique<FileStream>(ctx_, domain_, file_, std::move(growth->plan), format_);
    parts_.push_back(std::move(next));
    sizeChange_ = parts_.back().end();
    return true;
}

}  // namespace atfs
