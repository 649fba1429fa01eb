// A crash (the process dying at any point of an ingest's commit) must leave the batch whole
// or absent. The child process dies with _exit at a named crash point, or by SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "StoreTestSupport.h"
#include "store/CrashPoint.h"

namespace atd::test {
namespace {

const at::Date kDay = *at::Date::parse("2017-07-25");

const char* gDieAt = nullptr;
void dieAtStage(const char* stage) {
    if (std::strcmp(stage, gDieAt) == 0)
        ::_exit(42);
}

std::string everything(const Store& store, Store& mutableStore) {
    auto snap = mutableStore.pin("account", kDay, kDay.plusDays(1), std::nullopt);
    std::string text = gunzipAll(snapshotBytes(store, snap));
    mutableStore.release(snap);
    return text;
}

// A batch that appends to hour 10 (fast path), merges into hour 11, and opens a new day.
std::string mixedBatch() {
    return eventLine("n1", "2017-07-25T10:50:00Z") + eventLine("n2", "2017-07-25T11:00:00Z") +
           eventLine("n3", "2017-07-26T08:00:00Z");
}

class StoreCrash : public ::testing::TestWithParam<const char*> {};

TEST_P(StoreCrash, InterruptedBatchIsWholeOrAbsentAfterReopen) {
    TempDir dir;
    std::string before;
    {
        Store store(dir.path());
        store.ingest("account", eventLine("o1", "2017-07-25T10:10:00Z") +
                                    eventLine("o2", "2017-07-25T11:30:00Z"));
        before = everything(store, store);
    }
    const std::string stage = GetParam();
    gDieAt = GetParam();
    ASSERT_EQ(exitCodeOfCrashingChild(dieAtStage,
                                      [&] {
                                          Store store(dir.path());
                                          store.ingest("account", mixedBatch());
                                      }),
              42)
        << "the child did not reach " << stage;

    Store store(dir.path());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/journal.json"));
    std::string after = everything(store, store);
    if (stage == "committed") {
        EXPECT_EQ(after, eventLine("o1", "2017-07-25T10:10:00Z") +
                             eventLine("n1", "2017-07-25T10:50:00Z") +
                             eventLine("n2", "2017-07-25T11:00:00Z") +
                             eventLine("o2", "2017-07-25T11:30:00Z") +
                             eventLine("n3", "2017-07-26T08:00:00Z"));
    } else {
        EXPECT_EQ(after, before);
        EXPECT_EQ(store.status("account", std::nullopt, std::nullopt).size(), 1u);
        EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/account/2017-07-25/11.g2.gz"));
        // The store keeps working after the rollback, on the same hours.
        store.ingest("account", mixedBatch());
        EXPECT_EQ(store.status("account", std::nullopt, std::nullopt).size(), 2u);
    }
}

INSTANTIATE_TEST_SUITE_P(EveryStage, StoreCrash,
                         ::testing::Values("journal-written", "data-partial", "data-written",
                                           "index-partial", "committed"));

void failAtIndexPartial(const char* stage) {
    if (std::strcmp(stage, "index-partial") == 0)
        throw std::runtime_error("simulated I/O error");
}

// An I/O error inside a commit (here thrown at a crash point) rolls the batch back at once; the
// store then serves the old state and accepts the next batch.
TEST(StoreCrashInProcess, FailedCommitIsRolledBackAndTheStoreKeepsWorking) {
    TempDir dir;
    Store store(dir.path());
    store.ingest("account",
                 eventLine("o1", "2017-07-25T10:10:00Z") + eventLine("o2", "2017-07-25T11:30:00Z"));
    const std::string before = everything(store, store);
    atd::testing::setCrashHook(failAtIndexPartial);
    try {
        store.ingest("account", mixedBatch());
        ADD_FAILURE() << "the failing commit succeeded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("rolled back"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("simulated I/O error"), std::string::npos);
    }
    atd::testing::setCrashHook(nullptr);
    EXPECT_EQ(everything(store, store), before);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/journal.json"));
    EXPECT_EQ(store.ingest("account", mixedBatch()), 3u);
    EXPECT_EQ(splitLines(everything(store, store)).size(), 5u);
}

TEST(StoreCrashKill, SigkillDuringIngestsLeavesOnlyWholeBatches) {
    constexpr int kBatch = 30;  // events per batch, over 3 hours and 2 days
    uint64_t committed = 0;
    for (int round = 0; round < 4; ++round) {
        TempDir dir;
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            Store store(dir.path());
            for (int b = 0;; ++b) {
                std::string batch;
                for (int i = 0; i < kBatch; ++i) {
                    // Every third batch goes back in time: the merge path.
                    int minute = (b % 3 == 2) ? (i % 60) : std::min(59, b / 3 + i / 10);
                    char t[64];
                    std::snprintf(t, sizeof t, "2017-07-%02dT%02d:%02d:00Z", 25 + i % 2, 10 + i % 3,
                                  minute);
                    batch += eventLine("b" + std::to_string(b) + "-" + std::to_string(i), t);
                }
                store.ingest("account", batch);
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
        ::kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);

        Store store(dir.path());
        uint64_t count = 0;
        for (const auto& day : store.status("account", std::nullopt, std::nullopt)) {
            count += day.count;
        }
        EXPECT_EQ(count % kBatch, 0u) << "round " << round << ": a torn batch of " << count;
        std::string text = everything(store, store);
        EXPECT_EQ(splitLines(text).size(), count);
        committed += count;
    }
    EXPECT_GT(committed, 0u) << "the children were killed before any batch committed";
}

}  // namespace
}  // namespace atd::test
