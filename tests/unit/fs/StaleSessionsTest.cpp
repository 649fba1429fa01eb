#include "session/StaleSessions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "MemoryBackend.h"

using namespace atfs;

namespace {
at::Session sessionWithTag(const std::string& id, const std::string& tag) {
    at::Session s;
    s.id = id;
    s.space = "g-dev";
    s.tag = tag;
    return s;
}
}  // namespace

TEST(StaleSessions, TagRoundTrip) {
    const SessionTag t{"box", 4242, "/mnt/at dir"};
    auto parsed = parseTag(formatTag(t));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->host, "box");
    EXPECT_EQ(parsed->pid, 4242);
    EXPECT_EQ(parsed->mountpoint, "/mnt/at dir");
    EXPECT_FALSE(parseTag("atctl host=box pid=1 mnt=/m"));
    EXPECT_FALSE(parseTag("atfs host=box pid=x mnt=/m"));
    EXPECT_FALSE(parseTag(""));
}

TEST(StaleSessions, DeletesOnlyDeadAtfsSessionsOfThisHost) {
    MemoryBackend backend;
    backend.addForeignSession(sessionWithTag("dead", formatTag({"box", 100, "/m"})));
    backend.addForeignSession(sessionWithTag("alive", formatTag({"box", 200, "/m2"})));
    backend.addForeignSession(sessionWithTag("otherhost", formatTag({"other", 100, "/m"})));
    backend.addForeignSession(sessionWithTag("untagged", ""));
    backend.addForeignSession(sessionWithTag("atctl", "atctl download"));
    backend.addForeignSession(sessionWithTag("reused", formatTag({"box", 300, "/m"})));
    auto live = [](int pid) { return pid == 200 || pid == 300; };
    const int n = deleteStaleSessions(backend, at::Domain{"g-dev", false}, "box", 300, live);
    EXPECT_EQ(n, 2);  // "dead", and "reused": our own pid cannot own sessions yet
    std::set<std::string> left;
    for (auto& s : backend.liveSessions())
        left.insert(s.id);
    EXPECT_EQ(left, (std::set<std::string>{"alive", "otherhost", "untagged", "atctl"}));
}

TEST(StaleSessions, ListFailureDeletesNothing) {
    MemoryBackend backend;
    backend.addForeignSession(sessionWithTag("dead", formatTag({"box", 100, "/m"})));
    backend.failNext("list", at::ErrorKind::Network, 0);
    EXPECT_EQ(deleteStaleSessions(backend, {}, "box", 1, [](int) { return false; }), 0);
    EXPECT_EQ(backend.liveSessions().size(), 1u);
}

TEST(StaleSessions, ThisProcessIsNotAtfs) {
    EXPECT_FALSE(isAtfsProcess(int(::getpid())));  // the test binary is fs_tests
    EXPECT_FALSE(isAtfsProcess(999999999));
}
