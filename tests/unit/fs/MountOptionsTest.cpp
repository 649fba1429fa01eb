#include "MountOptions.h"

#include <gtest/gtest.h>

using namespace atfs;

TEST(MountOptions, OursAreConsumedOthersPassToFuse) {
    MountOptions o;
    ASSERT_EQ(parseMountArgs({"/mnt/at", "-o",
                              "endpoint=http://h:1,config=/c.json,insecure,max_sessions=4,"
                              "memory_budget=64,cache_ttl=5,allow_other,_netdev,x-systemd.auto",
                              "-f"},
                             o),
              "");
    EXPECT_EQ(o.mountpoint, "/mnt/at");
    EXPECT_EQ(o.endpoint, "http://h:1");
    EXPECT_EQ(o.config, "/c.json");
    EXPECT_TRUE(o.insecure);
    EXPECT_EQ(o.maxSessions, 4);
    EXPECT_EQ(o.memoryBudgetMiB, 64u);
    EXPECT_EQ(o.cacheTtlSeconds, 5);
    EXPECT_TRUE(o.foreground);
    EXPECT_EQ(o.fuseOptions, (std::vector<std::string>{"allow_other"}));
}

TEST(MountOptions, AttachedOptionAndDebug) {
    MountOptions o;
    ASSERT_EQ(parseMountArgs({"-oallow_other", "-d", "/m"}, o), "");
    EXPECT_TRUE(o.debug);
    EXPECT_TRUE(o.foreground);
    EXPECT_EQ(o.mountpoint, "/m");
}

TEST(MountOptions, Errors) {
    MountOptions o;
    EXPECT_NE(parseMountArgs({}, o), "");
    MountOptions a;
    EXPECT_NE(parseMountArgs({"/m", "-o", "max_sessions=0"}, a), "");
    MountOptions b;
    EXPECT_NE(parseMountArgs({"/m", "-o", "max_sessions=31"}, b), "");
    MountOptions c;
    EXPECT_NE(parseMountArgs({"/m", "-o", "memory_budget=lots"}, c), "");
    MountOptions d;
    EXPECT_NE(parseMountArgs({"/m", "/n"}, d), "");
    MountOptions e;
    EXPECT_NE(parseMountArgs({"/m", "--bogus"}, e), "");
    MountOptions f;
    EXPECT_NE(parseMountArgs({"/m", "-o"}, f), "");
    MountOptions h;
    EXPECT_EQ(parseMountArgs({"--help"}, h), "");
    EXPECT_TRUE(h.help);
}

TEST(MountOptions, FstabOnlyOptions) {
    for (const char* o : {"_netdev", "noauto", "user", "nofail", "x-systemd.automount", "defaults"})
        EXPECT_TRUE(isFstabOnlyOption(o)) << o;
    for (const char* o : {"allow_other", "ro", "max_read=131072"})
        EXPECT_FALSE(isFstabOnlyOption(o)) << o;
}
