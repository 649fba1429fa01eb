// Issue 9: the data folder is the owner's alone: created 0700 with every file 0600 whatever
// the umask, and a folder left wider (umask 022, an older atd) is tightened at start.
#include <sys/stat.h>

#include "ApiFixture.h"

namespace atdtest {
namespace {

namespace fs = std::filesystem;

// Every entry below `dir` (and dir itself) whose mode grants group or other anything.
std::vector<std::string> openEntries(const fs::path& dir) {
    std::vector<std::string> open;
    auto check = [&](const fs::path& p) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) == 0 && !S_ISLNK(st.st_mode) && (st.st_mode & 077) != 0) {
            char mode[8];
            std::snprintf(mode, sizeof mode, "%o", unsigned(st.st_mode & 0777));
            open.push_back(p.string() + " " + mode);
        }
    };
    check(dir);
    for (const auto& e : fs::recursive_directory_iterator(dir))
        check(e.path());
    return open;
}

class DataFolderModes : public ::testing::Test {
  protected:
    void SetUp() override { oldMask = ::umask(022); }
    void TearDown() override { ::umask(oldMask); }
    void useTheService(AtdProcess& atd) {
        Caller alice(atd.port(), kAliceKey, kSpaceDev);
        EXPECT_EQ(alice.ingest(eventLine("a", "2017-07-25T10:00:00Z") + "\n" +
                               eventLine("b", "2017-07-26T10:00:00Z") + "\n"),
                  2u);
        alice.createSession({{"start", "2017-07-25"}, {"end", "2017-07-26"}});
        ASSERT_TRUE(alice.put("/v3/options", R"({"retention":0})"));
    }
    TempDir tmp;
    mode_t oldMask = 0;
};

TEST_F(DataFolderModes, NewFolderAndEveryFileArePrivateUnderUmask022) {
    writeUsersFile(tmp.path() / "etc");
    fs::path data = tmp.path() / "data";  // atd creates it
    {
        AtdProcess atd(data, {"--users", (tmp.path() / "etc" / "users.json").string()});
        useTheService(atd);
        EXPECT_EQ(openEntries(data), std::vector<std::string>{});
    }
    struct stat st {};
    ASSERT_EQ(::stat(data.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(DataFolderModes, WideFolderIsTightenedAtStartWithOneLogLine) {
    fs::path data = tmp.path() / "data";
    writeUsersFile(data);  // 0755 folder, 0644 users.json under umask 022
    fs::create_directories(data / "events" / "account");
    ASSERT_FALSE(openEntries(data).empty());
    {
        AtdProcess atd(data);
        EXPECT_EQ(openEntries(data), std::vector<std::string>{});
        auto log = atd.log();
        auto first = log.find("open to other users");
        EXPECT_NE(first, std::string::npos) << log;
        EXPECT_EQ(log.find("open to other users", first + 1), std::string::npos) << log;
        useTheService(atd);
        EXPECT_EQ(openEntries(data), std::vector<std::string>{});
    }
    AtdProcess again(data);
    EXPECT_EQ(again.log().find("open to other users"), std::string::npos) << again.log();
}

}  // namespace
}  // namespace atdtest
