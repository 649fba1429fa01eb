#include "store/DayIndex.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace atd {

bool DayIndex::empty() const {
    for (const auto& h : hours) {
        if (h)
            return false;
    }
    return true;
}

std::string DayIndex::toJson() const {
    nlohmann::json hoursJson = nlohmann::json::object();
    for (int h = 0; h < 24; ++h) {
        const auto& e = hours[size_t(h)];
        if (!e)
            continue;
        char key[3];
        std::snprintf(key, sizeof key, "%02d", h);
        hoursJson[key] = {{"generation", e->generation},
                          {"count", e->count},
                          {"size", e->size},
                          {"gzip_size", e->gzipSize},
                          {"max_event_time_micros", e->maxEventTimeMicros}};
        if (e->mergedAtMicros)
            hoursJson[key]["merged_at_micros"] = e->mergedAtMicros;
    }
    return nlohmann::json{{"hours", hoursJson}}.dump() + "\n";
}

DayIndex DayIndex::fromJson(std::string_view text, const std::string& origin) {
    DayIndex index;
    try {
        auto j = nlohmann::json::parse(text);
        for (const auto& [key, e] : j.at("hours").items()) {
            int h = -1;
            auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), h);
            if (ec != std::errc() || p != key.data() + key.size() || h < 0 || h > 23) {
                throw std::runtime_error("bad hour key '" + key + "'");
            }
            HourEntry entry;
            entry.generation = e.at("generation").get<uint64_t>();
            entry.count = e.at("count").get<uint64_t>();
            entry.size = e.at("size").get<uint64_t>();
            entry.gzipSize = e.at("gzip_size").get<uint64_t>();
            entry.maxEventTimeMicros = e.at("max_event_time_micros").get<int64_t>();
            entry.mergedAtMicros = e.value("merged_at_micros", int64_t(0));
            index.hours[size_t(h)] = entry;
        }
    } catch (const std::exception& ex) {
        throw std::runtime_error("store: index " + origin + " is unreadable (" + ex.what() +
                                 "); restore it from a backup or remove that day's folder");
    }
    return index;
}

std::string hourFileName(int hour, uint64_t generation) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%02d.g%llu.gz", hour, (unsigned long long)generation);
    return buf;
}

std::optional<HourFileName> parseHourFileName(std::string_view name) {
    // HH.gN.gz
    if (name.size() < 8 || name[2] != '.' || name[3] != 'g' || !name.ends_with(".gz")) {
        return std::nullopt;
    }
    HourFileName out;
    auto hh = name.substr(0, 2);
    auto [p1, e1] = std::from_chars(hh.data(), hh.data() + 2, out.hour);
    if (e1 != std::errc() || p1 != hh.data() + 2 || out.hour < 0 || out.hour > 23) {
        return std::nullopt;
    }
    auto gen = name.substr(4, name.size() - 7);
    if (gen.empty())
        return std::nullopt;
    auto [p2, e2] = std::from_chars(gen.data(), gen.data() + gen.size(), out.generation);
    if (e2 != std::errc() || p2 != gen.data() + gen.size())
        return std::nullopt;
    return out;
}

}  // namespace atd
