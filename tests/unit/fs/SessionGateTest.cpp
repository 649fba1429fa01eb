#include "session/SessionGate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "MemoryBudget.h"

using namespace atfs;
using namespace std::chrono_literals;

TEST(SessionGate, NeverExceedsTheLimitWithSixteenThreads) {
    SessionGate gate(4);
    std::atomic<int> inside{0}, maxInside{0}, done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20; ++i) {
                ASSERT_TRUE(gate.acquire("dom", 10s));
                const int now = ++inside;
                int seen = maxInside.load();
                while (now > seen && !maxInside.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(200us);
                --inside;
                gate.release("dom");
                ++done;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(done.load(), 16 * 20);
    EXPECT_LE(maxInside.load(), 4);
    EXPECT_EQ(maxInside.load(), 4);  // and it did queue: all four slots were used at once
    EXPECT_EQ(gate.inUse("dom"), 0);
}

TEST(SessionGate, DomainsAreIndependent) {
    SessionGate gate(1);
    ASSERT_TRUE(gate.acquire("a", 0ms));
    EXPECT_TRUE(gate.acquire("b", 0ms));
    EXPECT_FALSE(gate.acquire("a", 50ms));
    gate.release("a");
    EXPECT_TRUE(gate.acquire("a", 0ms));
}

TEST(SessionGate, TimesOutThenServesTheNextInLine) {
    SessionGate gate(1);
    ASSERT_TRUE(gate.acquire("d", 0ms));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.acquire("d", 100ms));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
    std::atomic<bool> got{false};
    std::thread waiter([&] { got = gate.acquire("d", 5s); });
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(got.load());
    gate.release("d");
    waiter.join();
    EXPECT_TRUE(got.load());
}

TEST(SessionGate, FifoOrder) {
    SessionGate gate(1);
    ASSERT_TRUE(gate.acquire("d", 0ms));
    std::vector<int> order;
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i) {
        threads.emplace_back([&, i] {
            ASSERT_TRUE(gate.acquire("d", 10s));
            {
                std::lock_guard lk(mu);
                order.push_back(i);
            }
            gate.release("d");
        });
        // Queue them in a known order: the next starts once this one is in line (a fixed
        // sleep was not enough on a loaded machine).
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (gate.waiting("d") < i + 1 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        ASSERT_EQ(gate.waiting("d"), i + 1);
    }
    gate.release("d");
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(MemoryBudget, BoundsTotalAndWaits) {
    MemoryBudget budget(100);
    EXPECT_TRUE(budget.acquire(60, 0ms));
    EXPECT_FALSE(budget.acquire(50, 50ms));
    EXPECT_FALSE(budget.acquire(101, 0ms));
    std::thread releaser([&] {
        std::this_thread::sleep_for(50ms);
        budget.release(60);
    });
    EXPECT_TRUE(budget.acquire(50, 5s));
    releaser.join();
    EXPECT_EQ(budget.used(), 50u);
}

TEST(SessionGate, CancelledWaitKeepsNoSlotAndEndsEarly) {
    SessionGate gate(1);
    ASSERT_TRUE(gate.acquire("d", 0ms));
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(150ms);
        cancel = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.acquire("d", 10s, [&] { return cancel.load(); }));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    canceller.join();
    EXPECT_EQ(gate.inUse("d"), 1);
    gate.release("d");
    EXPECT_TRUE(gate.acquire("d", 0ms, [] { return false; }));
}
