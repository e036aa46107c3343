// Maglev tables: size, balance, weights, determinism (the acceptance tests; the rebuild's
// are in maglev_rebuild_test.cpp). sh shares the table, so these hold for it too.
#include "datapath/sched/maglev.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sched_test_util.h"

namespace vlb::dp::sched {
namespace {

using test::build;
using test::slotsPerReal;
using test::worstImbalance;

TEST(Maglev, TableSizeIsPrimeAndAtLeast100PerReal) {
  EXPECT_TRUE(maglev::isPrime(65537));
  EXPECT_FALSE(maglev::isPrime(65535));
  EXPECT_FALSE(maglev::isPrime(1));
  for (uint32_t n : {1u, 2u, 3u, 10u, 100u, 655u, 656u, 1000u, kMaxReals}) {
    const uint32_t m = maglev::tableSize(n);
    EXPECT_TRUE(maglev::isPrime(m)) << n;
    EXPECT_GE(m, 100 * n) << n;
    EXPECT_LE(m, std::max(2 * 100 * n, 65536u) + 1000) << n;  // memory stays sane
  }
  EXPECT_EQ(maglev::tableSize(10), 65537u);
  EXPECT_EQ(build(Kind::kMaglev, test::reals(1000))->lookup().size(), maglev::tableSize(1000));
}

TEST(Maglev, EqualWeightsWithinOnePercent) {
  for (uint32_t n : {2u, 3u, 10u, 100u, 1000u}) {
    auto t = build(Kind::kMaglev, test::reals(n));
    EXPECT_LE(worstImbalance(*t), 0.01) << n;
    const auto count = slotsPerReal(*t);
    const auto [lo, hi] = std::minmax_element(count.begin(), count.end());
    EXPECT_LE(*hi - *lo, 1u) << n;
  }
}

TEST(Maglev, WeightsWithinOnePercent) {
  auto two = build(Kind::kMaglev, test::weighted({2, 1}));
  EXPECT_LE(worstImbalance(*two), 0.01);
  const auto count = slotsPerReal(*two);
  EXPECT_NEAR(double(count[0]) / count[1], 2.0, 0.02);
  auto mixed = build(Kind::kMaglev, test::weighted({2, 1, 2, 1, 5, 1, 100, 0, 3, 1}));
  EXPECT_LE(worstImbalance(*mixed), 0.01);
  EXPECT_EQ(slotsPerReal(*mixed)[7], 0u);
}

TEST(Maglev, NoEligibleRealGivesNone) {
  auto r = test::reals(3);
  for (auto& real : r) real.enabled = false;
  LcoreState s(8, 0);
  for (Kind k : {Kind::kMaglev, Kind::kSh}) {
    EXPECT_EQ(pick(*build(k, r), s, {1, 2}), kNoReal);
    EXPECT_EQ(pick(*build(k, {}), s, {1, 2}), kNoReal);
  }
}

void expectIndependentOfConfigOrder(std::vector<Real> reals) {
  auto a = build(Kind::kMaglev, reals), b = build(Kind::kMaglev, reals);
  EXPECT_TRUE(std::ranges::equal(a->lookup(), b->lookup()));
  std::reverse(reals.begin(), reals.end());
  auto reversed = build(Kind::kMaglev, reals);
  ASSERT_EQ(reversed->lookup().size(), a->lookup().size());
  for (size_t s = 0; s < a->lookup().size(); ++s)
    ASSERT_EQ(reversed->identity(reversed->lookup()[s]), a->identity(a->lookup()[s])) << s;
}

TEST(Maglev, DeterministicAndIndependentOfConfigOrder) {
  expectIndependentOfConfigOrder(test::reals(7));
  expectIndependentOfConfigOrder(test::weighted({1, 2, 3, 4, 5, 6, 7}));
}

// A fingerprint of one table, fixed across builds and machines: an upgrade that changes it would
// send every established consistent-hash flow to another real. Change it only on purpose.
TEST(Maglev, TableIsTheSameOnEveryBuild) {
  auto t = build(Kind::kMaglev, test::weighted({1, 1, 2}));
  uint64_t digest = 1469598103934665603ULL;
  for (uint16_t r : t->lookup()) digest = (digest ^ r) * 1099511628211ULL;
  EXPECT_EQ(digest, 14196153472953839809ULL);
  EXPECT_EQ(t->lookup().size(), 65537u);
}

TEST(Maglev, KeepsItsSizeWhileBigEnoughAndGrowsWhenNot) {
  auto small = build(Kind::kMaglev, test::reals(600));
  auto same = build(Kind::kMaglev, test::reals(655), small.get());
  EXPECT_EQ(same->lookup().size(), 65537u);
  auto grown = build(Kind::kMaglev, test::reals(700), same.get());
  EXPECT_EQ(grown->lookup().size(), maglev::tableSize(700));
  EXPECT_LE(worstImbalance(*grown), 0.01);
  auto shrunk = build(Kind::kMaglev, test::reals(10), grown.get());  // no reshuffle to shrink
  EXPECT_EQ(shrunk->lookup().size(), grown->lookup().size());
}

}  // namespace
}  // namespace vlb::dp::sched
