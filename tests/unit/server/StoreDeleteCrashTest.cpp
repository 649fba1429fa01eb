// A delete over several days is one step: a process that dies part-way (kill -9 at any point of
// the delete's commit) leaves, after restart, either every day of the range or none of them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "StoreTestSupport.h"
#include "store/CrashPoint.h"

namespace atd::test {
namespace {

const at::Date kFirst = *at::Date::parse("2017-07-24");
const at::Date kLast = *at::Date::parse("2017-07-27");

const char* gDieAt = nullptr;
int gSeen = 0;
// Dies at the second time the stage is reached: for "delete-partial", after one day's index
// is already rewritten and before the next one is.
void dieAtSecond(const char* stage) {
    if (std::strcmp(stage, gDieAt) == 0 && ++gSeen == 2)
        ::_exit(42);
}

std::vector<std::string> daysOf(const Store& store) {
    std::vector<std::string> days;
    for (const auto& d : store.status("account", std::nullopt, std::nullopt))
        days.push_back(d.date.str() + ":" + std::to_string(d.count));
    return days;
}

class StoreDeleteCrash : public ::testing::TestWithParam<const char*> {};

TEST_P(StoreDeleteCrash, InterruptedDeleteIsWholeOrAbsentAfterRestart) {
    TempDir dir;
    std::vector<std::string> before;
    {
        Store store(dir.path());
        std::string lines;
        for (at::Date d = kFirst; d <= kLast; d = d.plusDays(1)) {
            lines += eventLine(d.str() + "a", d.str() + "T10:00:00Z") +
                     eventLine(d.str() + "b", d.str() + "T11:00:00Z");
        }
        store.ingest("account", lines);
        before = daysOf(store);
    }
    ASSERT_EQ(before.size(), 4u);
    const std::string stage = GetParam();
    gDieAt = GetParam();
    gSeen = stage == "delete-partial" ? 0 : 1;
    ASSERT_EQ(exitCodeOfCrashingChild(dieAtSecond,
                                      [&] {
                                          Store store(dir.path());
                                          store.deleteRange("account", kFirst, kLast, std::nullopt);
                                      }),
              42)
        << "the child did not reach " << stage;

    Store store(dir.path());
    store.collectGarbage();
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "events/journal.json"));
    if (stage == "delete-committed") {
        EXPECT_EQ(daysOf(store), std::vector<std::string>{});
    } else {
        EXPECT_EQ(daysOf(store), before);
        // Every day still reads back whole.
        auto snap = store.pin("account", kFirst, kLast, std::nullopt);
        EXPECT_EQ(splitLines(gunzipAll(snapshotBytes(store, snap))).size(), 8u);
        store.release(snap);
    }
    // The store keeps working: the delete can be done again, and then nothing is left.
    store.deleteRange("account", kFirst, kLast, std::nullopt);
    EXPECT_EQ(daysOf(store), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(EveryStage, StoreDeleteCrash,
                         ::testing::Values("delete-journal-written", "delete-partial",
                                           "delete-committed"));

void failSecondPartial(const char* stage) {
    if (std::strcmp(stage, "delete-partial") == 0 && ++gSeen == 2)
        throw std::runtime_error("simulated I/O error");
}

// An I/O error between two days' indexes rolls the whole delete back at once.
TEST(StoreDeleteCrashInProcess, FailedDeleteIsRolledBack) {
    TempDir dir;
    std::vector<std::string> before;
    {
        Store store(dir.path());
        store.ingest("account", eventLine("a", "2017-07-24T10:00:00Z") +
                                    eventLine("b", "2017-07-25T10:00:00Z") +
                                    eventLine("c", "2017-07-26T10:00:00Z"));
        before = daysOf(store);
        gSeen = 0;
        atd::testing::setCrashHook(failSecondPartial);
        EXPECT_THROW(store.deleteRange("account", kFirst, kLast, std::nullopt), std::runtime_error);
        atd::testing::setCrashHook(nullptr);
        EXPECT_EQ(daysOf(store), before);
    }
    Store reopened(dir.path());
    EXPECT_EQ(daysOf(reopened), before);
}

}  // namespace
}  // namespace atd::test
