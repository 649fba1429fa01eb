#include "DataTimes.h"

#include <algorithm>

namespace atfs {

namespace {

int64_t hourNewest(const at::HourStatus& h, int64_t hourIndex) {
    return h.newest ? h.newest : (hourIndex + 1) * 3600 - 1;
}

int64_t dayNewest(const at::DayStatus& day) {
    if (day.newest)
        return day.newest;
    int64_t newest = 0;
    for (const at::HourStatus& h : day.hours)
        if (h.count > 0)
            newest = std::max(newest, hourNewest(h, at::HourStamp{day.date, h.hour}.index()));
    return newest ? newest : (int64_t(day.date.days()) + 1) * 86400 - 1;
}

}  // namespace

int64_t newestInSpan(const DayIndex& index, HourSpan span) {
    int64_t newest = 0;
    for (auto it = index.lower_bound(span.firstDay().days());
         it != index.end() && it->first <= span.lastDay().days(); ++it) {
        const at::DayStatus& day = it->second;
        if (day.count == 0)
            continue;
        if (span.coversWholeDay(day.date) || day.hours.empty()) {
            newest = std::max(newest, dayNewest(day));
            continue;
        }
        for (const at::HourStatus& h : day.hours) {
            const int64_t hourIndex = at::HourStamp{day.date, h.hour}.index();
            if (h.count > 0 && hourIndex >= span.first && hourIndex <= span.last)
                newest = std::max(newest, hourNewest(h, hourIndex));
        }
    }
    return newest ? newest : span.first * 3600;
}

int64_t newestInDomain(const DayIndex& index, int64_t empty) {
    int64_t newest = 0;
    for (const auto& [days, day] : index)
        if (day.count > 0)
            newest = std::max(newest, dayNewest(day));
    return newest ? newest : empty;
}

}  // namespace atfs
