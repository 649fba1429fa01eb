// The key-holding buffers are wiped, and the process can be marked not dumpable.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "at/SecretMemory.h"

namespace at {
namespace {

TEST(SecretMemory, WipeZeroesEveryByteTheStringOwns) {
    std::string key(200, 'k');
    key.resize(10);  // capacity still holds the old 190 bytes of key
    const char* buffer = key.data();
    const size_t capacity = key.capacity();
    wipe(key);
    EXPECT_TRUE(key.empty());
    EXPECT_EQ(key.data(), buffer) << "wipe reallocated: the old buffer was not wiped";
    for (size_t i = 0; i < capacity; ++i)
        ASSERT_EQ(buffer[i], '\0') << "byte " << i << " survived";
}

TEST(SecretMemory, WipeOnExitWipesWhenTheScopeEnds) {
    std::string token = "a-bearer-token-longer-than-the-small-string-buffer";
    const char* buffer = token.data();
    { WipeOnExit guard(token); }
    EXPECT_TRUE(token.empty());
    EXPECT_EQ(buffer[0], '\0');
}

TEST(SecretMemory, KeepOutOfCoreDumpsClearsDumpableAcrossFork) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::prctl(PR_GET_DUMPABLE) != 1 || !keepOutOfCoreDumps())
            ::_exit(2);
        pid_t grandchild = ::fork();
        if (grandchild == 0)
            ::_exit(::prctl(PR_GET_DUMPABLE) == 0 ? 0 : 3);
        int status = 0;
        ::waitpid(grandchild, &status, 0);
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace at
