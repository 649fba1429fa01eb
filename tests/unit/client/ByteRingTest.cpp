// ByteRing: the bounded hand-off between the transfer thread, the inflate thread and the
// reader. Both producer styles (copying write, in-place writable/commit) across the wrap.
#include "ByteRing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace at {
namespace {

std::string drain(ByteRing& ring) {
    std::string out;
    for (;;) {
        const std::span<const char> s = ring.peek();
        if (s.empty())
            return out;
        out.append(s.data(), s.size());
        ring.consume(s.size());
    }
}

std::string pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i)
        s[i] = char('a' + (i * 7 + i / 13) % 26);
    return s;
}

TEST(ByteRing, CopyingWriterAcrossTheWrap) {
    ByteRing ring(1000);
    const std::string data = pattern(100000);
    std::thread producer([&] {
        for (size_t at = 0; at < data.size(); at += 333)
            ASSERT_TRUE(ring.write(data.data() + at, std::min<size_t>(333, data.size() - at)));
        ring.finish();
    });
    const std::string got = drain(ring);
    producer.join();
    EXPECT_EQ(got, data);
}

TEST(ByteRing, InPlaceWriterAcrossTheWrap) {
    ByteRing ring(1000);
    const std::string data = pattern(100000);
    std::thread producer([&] {
        size_t at = 0;
        while (at < data.size()) {
            const std::span<char> room = ring.writable();
            ASSERT_FALSE(room.empty());
            ASSERT_LE(room.size(), ring.capacity());
            // Fill only part of it sometimes, as an inflater that ran out of input does.
            const size_t k = std::min({room.size(), data.size() - at, size_t(1 + at % 700)});
            std::memcpy(room.data(), data.data() + at, k);
            ring.commit(k);
            at += k;
        }
        ring.finish();
    });
    const std::string got = drain(ring);
    producer.join();
    EXPECT_EQ(got, data);
}

TEST(ByteRing, WritableBlocksWhileFullUntilTheReaderConsumes) {
    ByteRing ring(64);
    std::span<char> room = ring.writable();
    ASSERT_EQ(room.size(), 64u);
    std::memset(room.data(), 'x', 64);
    ring.commit(64);
    std::atomic<bool> gotRoom{false};
    std::thread producer([&] {
        const std::span<char> more = ring.writable();
        EXPECT_EQ(more.size(), 10u);  // exactly what the reader freed, at the ring's start
        gotRoom = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(gotRoom.load());
    ring.consume(10);
    producer.join();
    EXPECT_TRUE(gotRoom.load());
}

TEST(ByteRing, CancelWakesABlockedProducerOfEitherKind) {
    ByteRing ring(8);
    ASSERT_TRUE(ring.write("12345678", 8));
    std::thread inPlace([&] { EXPECT_TRUE(ring.writable().empty()); });
    std::thread copying([&] { EXPECT_FALSE(ring.write("9", 1)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ring.cancel();
    inPlace.join();
    copying.join();
}

TEST(ByteRing, ErrorComesAfterTheBytesBeforeIt) {
    ByteRing ring(16);
    ASSERT_TRUE(ring.write("abc", 3));
    ring.finish(std::make_exception_ptr(std::runtime_error("cut")));
    const std::span<const char> s = ring.peek();
    ASSERT_EQ(std::string(s.data(), s.size()), "abc");
    ring.consume(3);
    EXPECT_THROW(ring.peek(), std::runtime_error);
}

TEST(ByteRing, ReadFillsTheWholeRequestAcrossTheWrapAndIsShortOnlyAtTheEnd) {
    ByteRing ring(100);
    const std::string data = pattern(1000);
    std::thread producer([&] {
        for (size_t at = 0; at < data.size(); at += 70)
            ASSERT_TRUE(ring.write(data.data() + at, std::min<size_t>(70, data.size() - at)));
        ring.finish();
    });
    std::string got(300, '\0');
    for (size_t at = 0; at < 900; at += 300)
        ASSERT_EQ(ring.read(got.data(), 300), 300u) << at;  // more than the ring holds
    EXPECT_EQ(ring.read(got.data(), 300), 100u);
    EXPECT_EQ(got.substr(0, 100), data.substr(900));
    EXPECT_EQ(ring.read(got.data(), 300), 0u);
    producer.join();
}

TEST(ByteRing, CommitOfZeroIsANoOp) {
    ByteRing ring(16);
    (void)ring.writable();
    ring.commit(0);
    ring.finish();
    EXPECT_TRUE(ring.peek().empty());
}

}  // namespace
}  // namespace at
