#include "store/EventBatch.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

#include "at/BoundedJson.h"
#include "at/SafeText.h"

namespace atd {
namespace {

constexpr int64_t kMicrosPerHour = int64_t(3600) * 1000000;

struct ParsedEvent {
    int64_t hourIndex;
    int64_t time;
    std::string line;
};

bool isBlank(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

ParsedEvent parseLine(std::string_view text, uint64_t lineNo) {
    // nlohmann stops at a NUL as at the end of input: the rest of the line would be dropped.
    if (auto nul = text.find('\0'); nul != std::string_view::npos) {
        throw IngestError(lineNo, "holds a NUL byte at column " + std::to_string(nul + 1) +
                                      ": a JSON line cannot contain one");
    }
    nlohmann::json j;
    try {
        j = at::parseBoundedJson(text);
    } catch (const at::JsonTooDeep& e) {
        throw IngestError(lineNo, e.what());
    } catch (const nlohmann::json::exception& e) {
        // Also out_of_range for numbers like 1e999; the message quotes the line's bytes.
        throw IngestError(lineNo, "not valid JSON (" + at::printable(e.what(), 200) + ")");
    }
    if (!j.is_object())
        throw IngestError(lineNo, "not a JSON object");
    auto id = j.find("id");
    if (id == j.end() || !id->is_string()) {
        throw IngestError(lineNo, "the event has no string \"id\"");
    }
    auto et = j.find("eventTime");
    if (et == j.end() || !et->is_string()) {
        throw IngestError(lineNo, "the event has no string \"eventTime\"");
    }
    const auto& timeText = et->get_ref<const std::string&>();
    auto time = at::parseEventTime(timeText);
    if (!time) {
        throw IngestError(lineNo, "eventTime \"" + at::printable(timeText, 64) +
                                      "\" is not a time like 2017-07-25T10:29:28.541+0000 "
                                      "(UTC 1970..9999, offset within +-14:00)");
    }
    return {hourIndexOf(*time), *time, j.dump() + "\n"};
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

}  // namespace

int64_t hourIndexOf(int64_t micros) {
    return micros >= 0 ? micros / kMicrosPerHour : (micros - kMicrosPerHour + 1) / kMicrosPerHour;
}

at::HourStamp hourStampOf(int64_t micros) {
    int64_t h = hourIndexOf(micros);
    return at::HourStamp{at::Date(int32_t(h / 24)), int(h % 24)};
}

namespace {

// Parses lines [begin, end) of `lines`; the first bad line is rethrown by the caller in order.
void parseRange(const std::vector<std::string_view>& lines, size_t begin, size_t end,
                std::vector<ParsedEvent>& out, std::exception_ptr& error) {
    try {
        for (size_t i = begin; i < end; ++i) {
            if (!isBlank(lines[i]))
                out.push_back(parseLine(lines[i], i + 1));
        }
    } catch (...) {
        error = std::current_exception();
    }
}

}  // namespace

std::vector<HourLines> parseIngestBatch(std::string_view jsonLines) {
    const auto lines = splitLines(jsonLines);
    // Parsing and re-serializing is most of an ingest's time: share it between the cores for
    // large bodies. Parts are joined in line order, so the result and the first reported bad
    // line are the same as with one thread.
    constexpr size_t kBytesPerPart = size_t(4) << 20;
    const size_t parts =
        std::clamp<size_t>(jsonLines.size() / kBytesPerPart, 1,
                           std::min(4u, std::max(1u, std::thread::hardware_concurrency())));
    std::vector<std::vector<ParsedEvent>> parsed(parts);
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::jthread> threads;  // joined even if a later one fails to start
    for (size_t p = 1; p < parts; ++p) {
        threads.emplace_back(parseRange, std::cref(lines), lines.size() * p / parts,
                             lines.size() * (p + 1) / parts, std::ref(parsed[p]),
                             std::ref(errors[p]));
    }
    parseRange(lines, 0, lines.size() / parts, parsed[0], errors[0]);
    for (auto& t : threads)
        t.join();
    for (const auto& error : errors) {
        if (error)
            std::rethrow_exception(error);
    }
    std::vector<ParsedEvent> events = std::move(parsed[0]);
    for (size_t p = 1; p < parts; ++p) {
        events.insert(events.end(), std::make_move_iterator(parsed[p].begin()),
                      std::make_move_iterator(parsed[p].end()));
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const ParsedEvent& a, const ParsedEvent& b) { return a.time < b.time; });
    std::vector<HourLines> hours;
    for (auto& e : events) {
        if (hours.empty() || hours.back().hour.index() != e.hourIndex) {
            HourLines h;
            h.hour = hourStampOf(e.time);
            h.minEventTimeMicros = e.time;
            hours.push_back(std::move(h));
        }
        auto& h = hours.back();
        h.count += 1;
        h.maxEventTimeMicros = e.time;
    }
    // Each hour's text is sized once: growing hundreds of megabytes by doubling costs more
    // than the copy itself.
    size_t next = 0;
    for (auto& h : hours) {
        size_t bytes = 0;
        for (size_t i = next; i < next + h.count; ++i)
            bytes += events[i].line.size();
        h.lines.reserve(bytes);
        for (size_t i = next; i < next + h.count; ++i) {
            h.lines += events[i].line;
            std::string().swap(events[i].line);  // free as we go: peak memory stays ~2x body
        }
        next += h.count;
    }
    return hours;
}

namespace {

// The value of the top-level "eventTime" of a stored line, found without building a JSON
// value: merging an hour reads every stored event's time, and a full parse of each line was
// most of an overlapping ingest's time. Stored lines are nlohmann dumps (no whitespace, plain
// keys); anything unexpected returns nullopt and the caller parses the line for real.
std::optional<std::string_view> scanEventTime(std::string_view line) {
    constexpr std::string_view kKey = "\"eventTime\":\"";
    int depth = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
            if (depth == 1 && (line[i - 1] == '{' || line[i - 1] == ',') &&
                line.substr(i, kKey.size()) == kKey) {
                const size_t start = i + kKey.size();
                const size_t end = line.find('"', start);
                if (end == std::string_view::npos)
                    return std::nullopt;
                auto value = line.substr(start, end - start);
                if (value.find('\\') != std::string_view::npos)
                    return std::nullopt;
                return value;
            }
            // Skip the string, escapes included.
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\')
                    ++i;
            }
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return std::nullopt;
}

}  // namespace

int64_t storedEventTime(std::string_view line) {
    if (auto text = scanEventTime(line)) {
        if (auto t = at::parseEventTime(*text))
            return *t;
    }
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) {
        auto et = j.find("eventTime");
        if (et != j.end() && et->is_string()) {
            if (auto t = at::parseEventTime(et->get_ref<const std::string&>()))
                return *t;
        }
    }
    throw std::runtime_error(
        "store: a stored event has no valid eventTime; the data folder was "
        "changed outside atd");
}

std::string mergeByEventTime(std::string_view older, std::string_view newer) {
    auto a = splitLines(older);
    auto b = splitLines(newer);
    std::string out;
    out.reserve(older.size() + newer.size());
    size_t i = 0, k = 0;
    int64_t ta = i < a.size() ? storedEventTime(a[i]) : 0;
    int64_t tb = k < b.size() ? storedEventTime(b[k]) : 0;
    while (i < a.size() || k < b.size()) {
        bool takeOlder = k == b.size() || (i < a.size() && ta <= tb);
        if (takeOlder) {
            out.append(a[i]).push_back('\n');
            if (++i < a.size())
                ta = storedEventTime(a[i]);
        } else {
            out.append(b[k]).push_back('\n');
            if (++k < b.size())
                tb = storedEventTime(b[k]);
        }
    }
    return out;
}

}  // namespace atd
