#include "store/StoreFsck.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>

#include "store/DayIndex.h"
#include "store/FolderLock.h"
#include "store/StorePaths.h"

namespace atd {
namespace fs = std::filesystem;

namespace {

// "YYYY...-MM-DD" with any number of year digits: a day folder, valid or not.
bool looksLikeDay(const std::string& name) {
    auto dash = name.find('-');
    return dash != std::string::npos && dash >= 4 && name.size() == dash + 6 &&
           name[dash + 3] == '-' && std::all_of(name.begin(), name.end(), [](char c) {
               return c == '-' || std::isdigit(static_cast<unsigned char>(c));
           });
}

bool knownDayFile(const std::string& leaf) {
    return leaf == "index.json" || leaf.ends_with(".tmp") || parseHourFileName(leaf);
}

void scanDomain(const fs::path& dataDir, const fs::path& domainDir, std::vector<FsckFinding>& out) {
    std::error_code ec;
    for (const auto& day : fs::directory_iterator(domainDir, ec)) {
        const auto rel = fs::relative(day.path(), dataDir).string();
        const auto name = day.path().filename().string();
        if (name == "options.json" && day.is_regular_file())
            continue;
        if (!day.is_directory()) {
            out.push_back({rel, "not a file atd writes"});
        } else if (!at::Date::parse(name)) {
            out.push_back({rel, looksLikeDay(name)
                                    ? "a day outside 1970-01-01..9999-12-31 (an older atd stored "
                                      "events with an impossible time offset): never served"
                                    : "not a day folder atd writes"});
        } else {
            for (const auto& f : fs::directory_iterator(day.path(), ec)) {
                if (!f.is_regular_file() || !knownDayFile(f.path().filename().string()))
                    out.push_back(
                        {fs::relative(f.path(), dataDir).string(), "not a file atd writes"});
            }
        }
    }
}

void sortByPath(std::vector<FsckFinding>& findings) {
    std::sort(findings.begin(), findings.end(),
              [](const FsckFinding& a, const FsckFinding& b) { return a.path < b.path; });
}

std::optional<std::string> readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every file a saved session's snapshot holds ("events/DOMAIN/DAY/HH.gN.gz"). A session file
// atd cannot read is set aside at start with its session, so it holds nothing.
std::set<std::string> filesHeldBySessions(const fs::path& dataDir) {
    std::set<std::string> held;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dataDir / "sessions", ec)) {
        if (entry.path().extension() != ".json")
            continue;
        auto text = readText(entry.path());
        if (!text)
            continue;
        auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (!j.is_object() || !j.contains("snapshot") || !j["snapshot"].is_object())
            continue;
        const auto& segments = j["snapshot"].value("segments", nlohmann::json::array());
        for (const auto& seg : segments) {
            if (seg.is_object() && seg.contains("file") && seg["file"].is_string())
                held.insert(seg["file"].get<std::string>());
        }
    }
    return held;
}

void scanDayForOrphans(const fs::path& dataDir, const std::string& domain, const fs::path& dayDir,
                       at::Date date, const std::set<std::string>& held,
                       std::vector<FsckFinding>& out) {
    DayIndex index;  // no index.json: nothing of the day was ever committed
    if (auto text = readText(dayDir / "index.json")) {
        try {
            index = DayIndex::fromJson(*text, (dayDir / "index.json").string());
        } catch (const std::exception&) {
            return;  // atd refuses the day too; its files are not ours to claim
        }
    }
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dayDir, ec)) {
        const auto leaf = f.path().filename().string();
        const auto rel = fs::relative(f.path(), dataDir).string();
        if (leaf.ends_with(".tmp")) {
            out.push_back({rel, "a temporary file a crash left (never committed)"});
            continue;
        }
        auto name = parseHourFileName(leaf);
        if (!name)
            continue;
        const auto& entry = index.hours[size_t(name->hour)];
        if (entry && entry->generation == name->generation)
            continue;
        if (held.count(hourFileRel(domain, date, name->hour, name->generation)))
            continue;
        out.push_back({rel, "an hour file no index or saved session refers to (left by a crash)"});
    }
}

}  // namespace

std::vector<FsckFinding> findOrphans(const fs::path& dataDir) {
    std::vector<FsckFinding> out;
    const auto held = filesHeldBySessions(dataDir);
    std::error_code ec;
    for (const auto& domain : fs::directory_iterator(dataDir / "events", ec)) {
        const auto name = domain.path().filename().string();
        if (!domain.is_directory() || !validDomain(name))
            continue;
        for (const auto& day : fs::directory_iterator(domain.path(), ec)) {
            auto date = at::Date::parse(day.path().filename().string());
            if (day.is_directory() && date)
                scanDayForOrphans(dataDir, name, day.path(), *date, held, out);
        }
    }
    sortByPath(out);
    return out;
}

std::vector<FsckFinding> fsckFindings(const fs::path& dataDir) {
    auto out = findUnservable(dataDir);
    auto orphans = findOrphans(dataDir);
    out.insert(out.end(), orphans.begin(), orphans.end());
    sortByPath(out);
    return out;
}

std::vector<FsckFinding> findUnservable(const fs::path& dataDir) {
    std::vector<FsckFinding> out;
    std::error_code ec;
    const fs::path eventsDir = dataDir / "events";
    for (const auto& entry : fs::directory_iterator(eventsDir, ec)) {
        const auto name = entry.path().filename().string();
        if (entry.is_directory() && validDomain(name)) {
            scanDomain(dataDir, entry.path(), out);
        } else if (name != ".lock" && name != "journal.json" && name != "journal.json.tmp") {
            out.push_back({fs::relative(entry.path(), dataDir).string(), "not a domain folder"});
        }
    }
    sortByPath(out);
    return out;
}

std::vector<FsckFinding> removeFsckFindings(const fs::path& dataDir) {
    FolderLock lock(dataDir / "events" / ".lock");
    auto findings = fsckFindings(dataDir);
    for (const auto& f : findings) {
        std::error_code ec;
        fs::remove_all(dataDir / f.path, ec);
        if (ec) {
            throw std::runtime_error("cannot remove " + (dataDir / f.path).string() + ": " +
                                     ec.message());
        }
    }
    return findings;
}

}  // namespace atd
