// The undo journal that makes one ingest atomic across hours and days: before any data file or
// index is touched it records how to put everything back, and it is fsynced. Opening the store
// with a journal present means a batch was interrupted: roll it back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace atd {

struct UndoJournal {
    struct AppendedFile {
        std::string file;  // relative to the data folder
        uint64_t lengthBefore = 0;
    };
    struct IndexBefore {
        std::string file;                    // relative to the data folder
        std::optional<std::string> content;  // nullopt: the index did not exist
    };
    std::vector<AppendedFile> appended;
    std::vector<std::string> created;  // new files, removed on rollback
    std::vector<IndexBefore> indexes;

    std::string toJson() const;
    static UndoJournal fromJson(const std::string& text, const std::filesystem::path& origin);
};

std::filesystem::path journalPath(const std::filesystem::path& dataDir);

// Writes the journal durably; from then on a crash rolls the batch back.
void writeJournal(const std::filesystem::path& dataDir, const UndoJournal& journal);
// Deletes the journal durably; from then on the batch is committed.
void removeJournal(const std::filesystem::path& dataDir);
// If a journal exists, undoes what it describes and deletes it. Returns true if it did.
bool rollBackPendingJournal(const std::filesystem::path& dataDir);

// One batch's commit under its journal, for ingests and deletes alike: writes the journal
// durably, runs `apply`, removes the journal. If `apply` throws, rolls back now (or, if that
// fails too, at the next start) and throws "store: WHAT in domain DOMAIN failed and ...".
// Crash points "<stagePrefix>journal-written" and "<stagePrefix>committed" bracket it.
void commitJournaled(const std::filesystem::path& dataDir, const UndoJournal& journal,
                     const std::string& what, const std::string& domain,
                     const std::string& stagePrefix, const std::function<void()>& apply);

}  // namespace atd
