// L7 schedulers: rr, smooth wrr, weighted lc and lcr; down and drained reals; none up; errors.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "l7/balance/pool.h"
#include "l7/balance/wrr_sequence.h"

namespace vlb::l7::balance {
namespace {

std::vector<RealSpec> reals(std::vector<uint32_t> weights) {
  std::vector<RealSpec> out;
  for (uint32_t i = 0; i < weights.size(); ++i)
    out.push_back({100 + i, weights[i], true, "real" + std::to_string(i)});
  return out;
}

std::unique_ptr<Pool> make(Algorithm a, std::vector<uint32_t> weights) {
  auto p = Pool::create("web", a, reals(std::move(weights)));
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
  return p.ok() ? std::move(*p) : nullptr;
}

std::map<uint32_t, int> count(Pool& pool, int picks) {
  std::map<uint32_t, int> n;
  for (int k = 0; k < picks; ++k) ++n[pool.pick()];
  return n;
}

TEST(SmoothWrrCycle, InterleavesByWeight) {
  EXPECT_EQ(smoothWrrCycle({5, 1, 1}), (std::vector<uint32_t>{0, 0, 1, 0, 2, 0, 0}));
  EXPECT_EQ(smoothWrrCycle({2, 0, 2}), (std::vector<uint32_t>{0, 2}));  // gcd 2, weight 0 absent
  EXPECT_TRUE(smoothWrrCycle({0, 0}).empty());
}

TEST(SmoothWrrCycle, HugeWeightsAreScaledButKeepEveryReal) {
  const auto cycle = smoothWrrCycle({65535, 65534, 1});
  EXPECT_LE(cycle.size(), kMaxWrrCycle);
  std::map<uint32_t, int> n;
  for (uint32_t i : cycle) ++n[i];
  EXPECT_EQ(n.size(), 3u);
  EXPECT_NEAR(double(n[0]) / n[1], 1.0, 0.01);
}

TEST(Rr, EachUpRealOncePerRound) {
  auto pool = make(Algorithm::kRr, {1, 1, 1, 1});
  EXPECT_EQ(count(*pool, 400), (std::map<uint32_t, int>{{0, 100}, {1, 100}, {2, 100}, {3, 100}}));
}

TEST(Rr, DownRealSkippedAndOthersStayEven) {
  auto pool = make(Algorithm::kRr, {1, 1, 1});
  pool->setUp(0, false);
  EXPECT_EQ(count(*pool, 300), (std::map<uint32_t, int>{{1, 150}, {2, 150}}));
  pool->setUp(0, true);
  const auto n = count(*pool, 300);
  EXPECT_EQ(n.at(0), 100);
}

TEST(Wrr, ExactProportionsOverWholeCycles) {
  auto pool = make(Algorithm::kWrr, {5, 1, 1});
  EXPECT_EQ(count(*pool, 700), (std::map<uint32_t, int>{{0, 500}, {1, 100}, {2, 100}}));
}

TEST(Wrr, DownRealKeepsRatioOfTheOthers) {
  auto pool = make(Algorithm::kWrr, {3, 1, 2});
  pool->setUp(2, false);
  const auto n = count(*pool, 600);
  EXPECT_EQ(n.count(2), 0u);
  EXPECT_EQ(n.at(0), 3 * n.at(1));
}

TEST(Wrr, ZeroWeightIsDrained) {
  auto pool = make(Algorithm::kWrr, {1, 0, 1});
  EXPECT_EQ(count(*pool, 100), (std::map<uint32_t, int>{{0, 50}, {2, 50}}));
}

TEST(Lc, PicksFewestConnectionsAndSharesTies) {
  auto pool = make(Algorithm::kLc, {1, 1, 1});
  for (int k = 0; k < 5; ++k) pool->connectionStarted(0);
  for (int k = 0; k < 2; ++k) pool->connectionStarted(1);
  EXPECT_EQ(pool->pick(), 2u);
  pool->connectionStarted(2);
  pool->connectionStarted(2);  // now 5, 2, 2: real 1 and 2 tie
  const auto n = count(*pool, 99);
  EXPECT_EQ(n.count(0), 0u);
  EXPECT_GE(n.at(1), 25);  // the scan's rotating start shares ties (not exactly evenly)
  EXPECT_GE(n.at(2), 25);
}

TEST(Lc, FillsEvenlyWhenCallersReport) {
  auto pool = make(Algorithm::kLc, {1, 1, 1, 1});
  for (int k = 0; k < 40; ++k) pool->connectionStarted(pool->pick());
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(pool->connections(i), 10u) << i;
  pool->connectionEnded(3);
  pool->connectionEnded(3);
  EXPECT_EQ(pool->pick(), 3u);
}

TEST(Lc, RelativeToWeight) {
  auto pool = make(Algorithm::kLc, {3, 1});
  for (int k = 0; k < 400; ++k) pool->connectionStarted(pool->pick());
  EXPECT_EQ(pool->connections(0), 300u);
  EXPECT_EQ(pool->connections(1), 100u);
}

TEST(Lcr, FollowsCurrentRequestsNotConnections) {
  auto pool = make(Algorithm::kLcr, {1, 1});
  for (int k = 0; k < 10; ++k) pool->connectionStarted(0);  // many idle keep-alive connections
  pool->requestStarted(1);
  pool->requestStarted(1);
  EXPECT_EQ(pool->pick(), 0u);
  pool->requestStarted(0);
  pool->requestStarted(0);
  pool->requestStarted(0);
  EXPECT_EQ(pool->pick(), 1u);
  pool->requestEnded(0);
  pool->requestEnded(0);
  EXPECT_EQ(pool->pick(), 0u);
  EXPECT_EQ(pool->requests(0), 1u);
}

TEST(Lcr, DownRealNeverPickedEvenWhenIdle) {
  auto pool = make(Algorithm::kLcr, {1, 1});
  for (int k = 0; k < 3; ++k) pool->requestStarted(0);
  pool->setUp(1, false);
  EXPECT_EQ(count(*pool, 20), (std::map<uint32_t, int>{{0, 20}}));
}

class NoneUp : public testing::TestWithParam<Algorithm> {};

TEST_P(NoneUp, GivesNoRealAndRecovers) {
  auto pool = make(GetParam(), {1, 2, 0});
  pool->setUp(0, false);
  pool->setUp(1, false);
  EXPECT_EQ(pool->upCount(), 0u);
  EXPECT_EQ(pool->pick(), kNoReal);
  pool->setUp(2, false);  // drained and now down: still nothing
  EXPECT_EQ(pool->pick(), kNoReal);
  pool->setUp(1, true);
  EXPECT_EQ(pool->pick(), 1u);
}

TEST_P(NoneUp, EmptyPool) {
  auto p = Pool::create("empty", GetParam(), {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->pick(), kNoReal);
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, NoneUp,
                         testing::Values(Algorithm::kRr, Algorithm::kWrr, Algorithm::kLc,
                                         Algorithm::kLcr));

// Worker threads share one pool: the shared cursor hands every round-robin slot out exactly once.
TEST(Threads, WrrProportionsExactAcrossThreads) {
  auto pool = make(Algorithm::kWrr, {2, 1, 1});
  constexpr int kThreads = 4, kPicks = 10000;  // 40000 picks = 10000 whole cycles
  std::vector<std::array<int, 3>> counts(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPicks; ++k) ++counts[size_t(t)][pool->pick()];
    });
  for (auto& th : threads) th.join();
  std::array<int, 3> total{};
  for (const auto& c : counts)
    for (size_t i = 0; i < 3; ++i) total[i] += c[i];
  EXPECT_EQ(total, (std::array<int, 3>{20000, 10000, 10000}));
}

// Requests start and end on several threads while a health checker flaps one real: no pick lands
// on the real that stays down, and every counter is back to zero at the end.
TEST(Threads, LcrCountersAndHealthUnderConcurrency) {
  auto pool = make(Algorithm::kLcr, {1, 1, 1, 1});
  pool->setUp(3, false);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread health([&] {
    for (int k = 0; k < 20000 && !stop.load(); ++k) pool->setUp(2, k % 2 == 0);
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&] {
      for (int k = 0; k < 20000; ++k) {
        const uint32_t i = pool->pick();
        if (i == kNoReal || i == 3) {
          bad.fetch_add(1);
          continue;
        }
        pool->requestStarted(i);
        pool->requestEnded(i);
      }
    });
  for (auto& w : workers) w.join();
  stop = true;
  health.join();
  EXPECT_EQ(bad.load(), 0);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(pool->requests(i), 0u) << i;
}

TEST(PoolCreate, RefusesDuplicateIdsAndHugeWeights) {
  auto r = reals({1, 1, 1});
  r[2].id = r[0].id;
  auto a = Pool::create("owa", Algorithm::kRr, r);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error(), "pool \"owa\": reals[2].id 100 is used twice");
  auto b = Pool::create("owa", Algorithm::kWrr, reals({1, 70000}));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), "pool \"owa\": reals[1].weight 70000 is over 65535");
  auto c = Pool::create("", Algorithm::kWrr, reals({1}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "pool: the name is empty");
}

TEST(PoolCreate, IdsLookUpIndicesAndNamesRoundTrip) {
  auto pool = make(Algorithm::kRr, {1, 1, 1});
  EXPECT_EQ(pool->indexOf(102), 2u);
  EXPECT_EQ(pool->indexOf(7), kNoReal);
  EXPECT_EQ(pool->idOf(1), 101u);
  for (Algorithm a : {Algorithm::kRr, Algorithm::kWrr, Algorithm::kLc, Algorithm::kLcr})
    EXPECT_EQ(algorithmFromName(algorithmName(a)), a);
  EXPECT_FALSE(algorithmFromName("wlc").has_value());
}

}  // namespace
}  // namespace vlb::l7::balance
