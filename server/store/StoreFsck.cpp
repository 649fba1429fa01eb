#include "store/StoreFsck.h"

#include <algorithm>
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

}  // namespace

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
    std::sort(out.begin(), out.end(),
              [](const FsckFinding& a, const FsckFinding& b) { return a.path < b.path; });
    return out;
}

std::vector<FsckFinding> removeUnservable(const fs::path& dataDir) {
    FolderLock lock(dataDir / "events" / ".lock");
    auto findings = findUnservable(dataDir);
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
