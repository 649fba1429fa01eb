#include "MountOptions.h"

#include <gtest/gtest.h>

#include "TrailFs.h"

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
    EXPECT_EQ(o.endpoint.value, "http://h:1");
    EXPECT_EQ(o.config.value, "/c.json");
    EXPECT_TRUE(o.insecure.value);
    EXPECT_EQ(o.maxSessions.value, 4);
    EXPECT_EQ(o.memoryBudgetMiB.value, 64u);
    EXPECT_EQ(o.cacheTtlSeconds.value, 5);
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

// The one-line error names the option, the value given and what it accepts.
TEST(MountOptions, BadValuesSayTheOptionAndTheRange) {
    struct Case {
        const char* option;
        const char* expected;
    };
    for (const Case& c : {
             Case{"max_sessions=0",
                  "bad option max_sessions=0: max_sessions takes an integer "
                  "1..30 (N)"},
             Case{"max_sessions=31", "max_sessions takes an integer 1..30"},
             Case{"max_sessions=", "max_sessions takes an integer 1..30"},
             Case{"max_sessions", "bad option max_sessions: max_sessions takes an integer"},
             Case{"memory_budget=lots", "memory_budget takes an integer 8..1048576 (MIB)"},
             Case{"cache_ttl=-1", "cache_ttl takes an integer 0..86400 (SECONDS)"},
             Case{"session_wait=0", "session_wait takes an integer 1..3600 (SECONDS)"},
             Case{"session_wait=9999", "session_wait takes an integer 1..3600"},
             Case{"log_level=loud", "log_level takes one of error|warning|info|debug"},
             Case{"insecure=yes", "insecure takes no value"},
             Case{"endpoint=", "endpoint takes URL"},
         }) {
        MountOptions o;
        const std::string err = parseMountArgs({"/m", "-o", c.option}, o);
        EXPECT_NE(err.find(c.expected), std::string::npos) << c.option << ": " << err;
        EXPECT_EQ(err.find('\n'), std::string::npos) << "one line: " << err;
    }
}

TEST(MountOptions, SessionWaitAndLogOptionsParse) {
    MountOptions o;
    ASSERT_EQ(parseMountArgs({"/m", "-o", "session_wait=7,log=/tmp/x.log,log_level=debug"}, o), "");
    EXPECT_EQ(o.gateTimeoutSeconds.value, 7);
    EXPECT_EQ(o.log.value, "/tmp/x.log");
    EXPECT_EQ(o.logLevel.value, "debug");
    EXPECT_EQ(fsOptionsFrom(o).gateTimeout, std::chrono::seconds(7));
}

// FsOptions keeps defaults of its own for the tests that build a TrailFs directly; they
// must be the declared ones, or a mount and a test would run with different settings.
TEST(MountOptions, FsOptionsDefaultsAreTheDeclaredOnes) {
    const FsOptions declared = fsOptionsFrom(MountOptions{});
    const FsOptions plain;
    EXPECT_EQ(declared.maxSessionsPerDomain, plain.maxSessionsPerDomain);
    EXPECT_EQ(declared.memoryBudget, plain.memoryBudget);
    EXPECT_EQ(declared.cacheTtl, plain.cacheTtl);
    EXPECT_EQ(declared.todayTtl, plain.todayTtl);
    EXPECT_EQ(declared.gateTimeout, plain.gateTimeout);
}

// --help lists every declared option with its default, and the docs renderers too.
TEST(MountOptions, HelpAndDocsListEveryOption) {
    MountOptions o;
    const std::string help = usageText();
    const std::string markdown = printOptions("markdown");
    const std::string man = printOptions("man");
    for (const at::OptionDoc& d : o.list.docs()) {
        EXPECT_NE(help.find("  " + d.name), std::string::npos) << d.name;
        EXPECT_NE(markdown.find("| `" + d.name), std::string::npos) << d.name;
        if (!d.fallback.empty()) {
            EXPECT_NE(help.find("[" + d.fallback + "]"), std::string::npos) << d.name;
        }
    }
    EXPECT_NE(man.find(".BI \"session_wait=\" SECONDS"), std::string::npos) << man;
    EXPECT_EQ(printOptions("html"), "");
}
