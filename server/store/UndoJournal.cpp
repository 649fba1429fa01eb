#include "store/UndoJournal.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/CrashPoint.h"
#include "store/DurableFile.h"

namespace atd {
namespace fs = std::filesystem;

std::string UndoJournal::toJson() const {
    nlohmann::json j;
    j["appended"] = nlohmann::json::array();
    for (const auto& a : appended) {
        j["appended"].push_back({{"file", a.file}, {"length_before", a.lengthBefore}});
    }
    j["created"] = created;
    j["indexes"] = nlohmann::json::array();
    for (const auto& i : indexes) {
        nlohmann::json content = nullptr;
        if (i.content)
            content = *i.content;
        j["indexes"].push_back({{"file", i.file}, {"content_before", content}});
    }
    return j.dump() + "\n";
}

UndoJournal UndoJournal::fromJson(const std::string& text, const fs::path& origin) {
    UndoJournal journal;
    try {
        auto j = nlohmann::json::parse(text);
        for (const auto& a : j.at("appended")) {
            journal.appended.push_back(
                {a.at("file").get<std::string>(), a.at("length_before").get<uint64_t>()});
        }
        journal.created = j.at("created").get<std::vector<std::string>>();
        for (const auto& i : j.at("indexes")) {
            IndexBefore before{i.at("file").get<std::string>(), std::nullopt};
            if (!i.at("content_before").is_null()) {
                before.content = i.at("content_before").get<std::string>();
            }
            journal.indexes.push_back(std::move(before));
        }
    } catch (const std::exception& ex) {
        throw std::runtime_error("store: undo journal " + origin.string() + " is unreadable (" +
                                 ex.what() + "); the last ingest cannot be rolled back");
    }
    return journal;
}

fs::path journalPath(const fs::path& dataDir) {
    return dataDir / "events" / "journal.json";
}

void writeJournal(const fs::path& dataDir, const UndoJournal& journal) {
    durable::writeAtomically(journalPath(dataDir), journal.toJson());
}

void removeJournal(const fs::path& dataDir) {
    durable::removeFile(journalPath(dataDir));
    durable::fsyncDirectory(journalPath(dataDir).parent_path());
}

bool rollBackPendingJournal(const fs::path& dataDir) {
    auto text = durable::readIfExists(journalPath(dataDir));
    if (!text)
        return false;
    // An empty or torn journal cannot exist (it is renamed into place after fsync), but a
    // journal that was never renamed leaves only journal.json.tmp: nothing was touched then.
    UndoJournal journal = UndoJournal::fromJson(*text, journalPath(dataDir));
    for (const auto& a : journal.appended)
        durable::truncateTo(dataDir / a.file, a.lengthBefore);
    for (const auto& c : journal.created) {
        if (durable::removeFile(dataDir / c))
            durable::fsyncDirectory((dataDir / c).parent_path());
    }
    for (const auto& i : journal.indexes) {
        fs::path path = dataDir / i.file;
        if (i.content) {
            durable::writeAtomically(path, *i.content);
        } else if (durable::removeFile(path)) {
            durable::fsyncDirectory(path.parent_path());
        }
    }
    removeJournal(dataDir);
    return true;
}

void commitJournaled(const fs::path& dataDir, const UndoJournal& journal, const std::string& what,
                     const std::string& domain, const std::string& stagePrefix,
                     const std::function<void()>& apply) {
    writeJournal(dataDir, journal);
    crashPoint((stagePrefix + "journal-written").c_str());
    try {
        apply();
        removeJournal(dataDir);
        crashPoint((stagePrefix + "committed").c_str());
    } catch (const std::exception& ex) {
        std::string rollback = "rolled back";
        try {
            rollBackPendingJournal(dataDir);
        } catch (const std::exception& again) {
            rollback = std::string("will be rolled back at the next start (") + again.what() + ")";
        }
        throw std::runtime_error("store: " + what + " in domain " + domain + " failed and " +
                                 rollback + ": " + ex.what());
    }
}

}  // namespace atd
