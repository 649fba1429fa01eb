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
    EXPECT_NE(removed.out.find("removed events/" + kSpaceDev + "/10000-01-01"), std::string::npos)
        << removed.out;
    EXPECT_FALSE(fs::exists(dataDir() / "events" / kSpaceDev / "10000-01-01"));
    EXPECT_NE(fsck().out.find("nothing to report"), std::string::npos);

    startAtd();
    EXPECT_EQ(atd->log().find("are not served"), std::string::npos) << atd->log();
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(bodyOf(alice.get("/v3/events"))["days"][0]["count"], 1);
}

// A crash between writing an hour file and committing its index leaves a file nothing refers
// to. fsck lists and removes those (and *.tmp files), never the current generation nor an older
// one a saved session still downloads.
TEST_F(Fsck, OrphanHourFilesAreListedAndRemovedButHeldOnesStay) {
    startAtd();
    std::string sessionId;
    {
        Caller alice(atd->port(), kAliceKey, kSpaceDev);
        EXPECT_EQ(alice.ingest(eventLine("a", "2017-07-25T10:30:00Z") + "\n"), 1u);
        sessionId = alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-25"}})["id"];
        // A late event merges hour 10 into a new generation; the session holds the first.
        EXPECT_EQ(alice.ingest(eventLine("b", "2017-07-25T10:00:00Z") + "\n"), 1u);
    }
    atd.reset();
    const fs::path day = dataDir() / "events" / kSpaceDev / "2017-07-25";
    std::vector<std::string> hourFiles;
    for (const auto& f : fs::directory_iterator(day)) {
        if (f.path().extension() == ".gz")
            hourFiles.push_back(f.path().filename().string());
    }
    ASSERT_EQ(hourFiles.size(), 2u) << "expected the held and the current generation";
    std::ofstream(day / "10.g9.gz") << "a generation never committed";
    std::ofstream(day / "11.g1.gz") << "an hour the index does not have";
    std::ofstream(day / "index.json.tmp") << "{";
    const std::string rel = "events/" + kSpaceDev + "/2017-07-25/";

    auto listed = fsck();
    EXPECT_EQ(listed.status.code, 0) << listed.err;
    for (const char* orphan : {"10.g9.gz", "11.g1.gz", "index.json.tmp"}) {
        EXPECT_NE(listed.out.find(rel + orphan + ": "), std::string::npos)
            << orphan << " not listed:\n"
            << listed.out;
    }
    for (const auto& kept : hourFiles)
        EXPECT_EQ(listed.out.find(rel + kept), std::string::npos) << kept << ":\n" << listed.out;
    EXPECT_TRUE(fs::exists(day / "10.g9.gz"));  // listing removes nothing

    auto removed = fsck({"--remove"});
    EXPECT_EQ(removed.status.code, 0) << removed.err;
    EXPECT_NE(removed.out.find("removed " + rel + "11.g1.gz"), std::string::npos) << removed.out;
    for (const char* orphan : {"10.g9.gz", "11.g1.gz", "index.json.tmp"})
        EXPECT_FALSE(fs::exists(day / orphan)) << orphan;
    for (const auto& kept : hourFiles)
        EXPECT_TRUE(fs::exists(day / kept)) << kept;

    startAtd();
    Caller alice(atd->port(), kAliceKey, kSpaceDev);
    EXPECT_EQ(splitLines(gunzipAll(alice.download(sessionId))).size(), 1u);
    EXPECT_EQ(bodyOf(alice.get("/v3/events"))["days"][0]["count"], 2);
}

}  // namespace
}  // namespace atdtest
