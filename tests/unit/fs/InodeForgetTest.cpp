// Inode lifetimes follow the kernel's lookup counts: a forgotten name's inode is freed.
#include "TestFs.h"

namespace atfs::test {

class InodeForgetTest : public FsTest {};

TEST_F(InodeForgetTest, LookupsCountAndForgetFrees) {
    const uint64_t dir = walk("account");
    const size_t before = fs().inodeCount();
    Attr a;
    ASSERT_EQ(fs().lookup(dir, "2017-07-01..2017-07-02.json", a), 0);
    const uint64_t ino = a.ino;
    ASSERT_EQ(fs().lookup(dir, "2017-07-01..2017-07-02.json", a), 0);
    EXPECT_EQ(a.ino, ino);  // stable while the kernel holds it
    EXPECT_EQ(fs().lookupsOf(ino), 2u);
    EXPECT_EQ(fs().inodeCount(), before + 1);
    fs().forget(ino, 1);
    EXPECT_EQ(fs().getattr(ino, a), 0);  // one reference left
    fs().forget(ino, 1);
    EXPECT_EQ(fs().getattr(ino, a), ENOENT);
    EXPECT_EQ(fs().inodeCount(), before);
    // The name resolves again, to a new number.
    ASSERT_EQ(fs().lookup(dir, "2017-07-01..2017-07-02.json", a), 0);
    EXPECT_NE(a.ino, ino);
}

TEST_F(InodeForgetTest, ManyDistinctLookupsLeaveNothingAfterForget) {
    const uint64_t dir = walk("account");
    const size_t before = fs().inodeCount();
    std::vector<uint64_t> inos;
    for (int h = 0; h < 24; ++h)
        for (int d = 1; d <= 28; ++d) {
            char name[64];
            std::snprintf(name, sizeof name, "2017-06-%02dT%02d..2017-07-01.json", d, h);
            Attr a;
            ASSERT_EQ(fs().lookup(dir, name, a), 0) << name;
            inos.push_back(a.ino);
        }
    EXPECT_EQ(fs().inodeCount(), before + inos.size());
    for (uint64_t ino : inos)
        fs().forget(ino, 1);
    EXPECT_EQ(fs().inodeCount(), before);
}

TEST_F(InodeForgetTest, ForgettingAFolderFreesTheChildrenOnlyAListingNamed) {
    const uint64_t dir = walk("account");
    std::vector<DirEntry> entries;
    ASSERT_EQ(fs().readdir(dir, entries), 0);
    ASSERT_FALSE(entries.empty());
    const size_t listed = fs().inodeCount();
    Attr a;
    ASSERT_EQ(fs().lookup(dir, entries.front().name, a), 0);  // one the kernel holds
    fs().forget(dir, fs().lookupsOf(dir));
    // The folder and the listed-only children are gone; the looked-up child stays.
    EXPECT_EQ(fs().getattr(a.ino, a), 0);
    EXPECT_LT(fs().inodeCount(), listed);
    EXPECT_EQ(fs().getattr(entries.back().ino, a), ENOENT);
}

TEST_F(InodeForgetTest, TheRootIsNeverForgotten) {
    fs().forget(InodeTable::kRoot, 100);
    Attr a;
    EXPECT_EQ(fs().getattr(InodeTable::kRoot, a), 0);
}

}  // namespace atfs::test
