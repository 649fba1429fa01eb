// Issue 9: a data folder an older atd left with a day outside 1970..9999 (an event at
// 9999-12-31T23:59:59-23:59 went to 10000-01-01) still serves, says so once in its log, and
// `atd fsck --data DIR [--remove]` lists and removes what atd cannot serve.
#include <fstream>

#include "ApiFixture.h"

namespace atdtest {
namespace {

namespace fs = std::filesystem;

class Fsck : public ApiTest {
  protected:
    void SetUp() override {
        writeUsersFile(dataDir());
        fs::path space = dataDir() / "events" / kSpaceDev;
        fs::create_directories(space / "10000-01-01");
        std::ofstream(space / "10000-01-01" / "index.json") << R"({"hours":{}})";
        std::ofstream(space / "10000-01-01" / "00.g1.gz") << "x";
        fs::create_directories(space / "2017-07-25");
        std::ofstream(space / "2017-07-25" / "notes.txt") << "left by hand";
    }
    RunResult fsck(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"fsck", "--data", dataDir().string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return runAtd(args, tmp.path());
    }
};

TEST_F(Fsck, OutOfRangeDayIsReportedOnceListedAndRemoved) {
    startAtd();
    {
        Caller alice(atd->port(), kAliceKey, kSpaceDev);
        EXPECT_EQ(alice.ingest(eventLine("a", "2017-07-25T10:00:00Z") + "\n"), 1u);
        auto days = bodyOf(alice.get("/v3/events"))["days"];
        ASSERT_EQ(days.size(), 1u) << days;
        EXPECT_EQ(days[0]["date"], "2017-07-25");
    }
    auto log = atd->log();
    auto first = log.find("are not served");
    EXPECT_NE(first, std::string::npos) << log;
    EXPECT_EQ(log.find("are not served", first + 1), std::string::npos) << log;
    EXPECT_NE(log.find("atd fsck"), std::string::npos) << log;
    auto busy = fsck({"--remove"});
    EXPECT_NE(busy.status.code, 0) << busy.err;  // atd holds the folder lock
    EXPECT_TRUE(fs::exists(dataDir() / "events" / kSpaceDev / "10000-01-01"));
    atd.reset();

    auto listed = fsck();
    EXPECT_EQ(listed.status.code, 0) << listed.out;
    EXPECT_NE(listed.out.find(kSpaceDev + "/10000-01-01: a day outside"), std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("2017-07-25/notes.txt: not a file atd writes"), std::string::npos)
        << listed.out;
    EXPECT_TRUE(fs::exists(dataDir() / "events" / kSpaceDev / "10000-01-01"));

    auto removed = fsck({"--remove"});
    EXPECT_EQ(removed.status.code, 0) << removed.out;
    EXPECT_NE(removed.out.find("removed events/" + kSpaceDev + "/10000-01-01"),
              std::string::npos)
        << removed.out;
    EXPECT_FALSE(fs::exists(dataDir() / "events" / kSpaceDev / "10000-01-01"));
    EXPECT_NE(fsck().out.find("nothing to report"), std::string::npos);

    startAtd();
    EXPECT_EQ(atd->log().find("are not served"), std::string::npos) << atd->log();
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(bodyOf(alice.get("/v3/events"))["days"][0]["count"], 1);
}

}  // namespace
}  // namespace atdtest
