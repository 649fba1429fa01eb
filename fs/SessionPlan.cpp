#include "SessionPlan.h"

#include <algorithm>

namespace atfs {

std::vector<Segment> planSegments(const DayIndex& index, HourSpan span, int maxDays) {
    std::vector<Segment> plan;
    std::optional<Segment> run;  // whole days being gathered into one session
    auto flushRun = [&] {
        if (run)
            plan.push_back(*run);
        run.reset();
    };
    for (auto it = index.lower_bound(span.firstDay().days());
         it != index.end() && it->first <= span.lastDay().days(); ++it) {
        const at::DayStatus& day = it->second;
        if (day.count == 0 && day.size == 0)
            continue;
        if (span.coversWholeDay(day.date)) {
            if (run && day.date.days() - run->start.days() >= maxDays)
                flushRun();
            if (!run)
                run = Segment{day.date, day.date, std::nullopt, 0, 0};
            run->end = day.date;
            run->size += day.size;
            run->gzipSize += day.gzipSize;
            continue;
        }
        flushRun();
        std::vector<at::HourStatus> hours = day.hours;
        if (hours.empty()) {
            // No per-hour index: ask for every hour of the span in that day (sizes unknown).
            for (int h = 0; h < 24; ++h)
                hours.push_back(at::HourStatus{h, 1, 0, 0, 0});
        }
        std::sort(hours.begin(), hours.end(),
                  [](const auto& a, const auto& b) { return a.hour < b.hour; });
        for (const at::HourStatus& h : hours) {
            const int64_t index = at::HourStamp{day.date, h.hour}.index();
            if (index < span.first || index > span.last || h.count == 0)
                continue;
            plan.push_back(Segment{day.date, day.date, h.hour, h.size, h.gzipSize});
        }
    }
    flushRun();
    return plan;
}

uint64_t plannedSize(const std::vector<Segment>& plan, Format f) {
    uint64_t total = 0;
    for (const Segment& s : plan)
        total += s.bytes(f);
    return total;
}

bool sizesKnown(const DayIndex& index, HourSpan span) {
    for (auto it = index.lower_bound(span.firstDay().days());
         it != index.end() && it->first <= span.lastDay().days(); ++it) {
        const at::DayStatus& day = it->second;
        if (day.count > 0 && (day.size == 0 || day.gzipSize == 0))
            return false;
        if (!span.coversWholeDay(day.date) && day.count > 0 && day.hours.empty())
            return false;
    }
    return true;
}

}  // namespace atfs
