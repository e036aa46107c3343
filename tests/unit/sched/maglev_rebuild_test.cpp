// Maglev rebuilt from the previous table: removing, draining or adding a real moves only the
// flows that must move (the acceptance tests).
#include <gtest/gtest.h>

#include <random>

#include "sched_test_util.h"

namespace vlb::dp::sched {
namespace {

using test::build;
using test::route;
using test::slotsPerReal;
using test::tolerance;
using test::worstImbalance;

// Removing (or draining) one real: flows on survivors stay put, the removed real's flows (its
// weighted share, ~1/n of all) spread over the survivors by weight, and the table stays balanced.
void expectMinimalRemoval(const std::vector<Real>& before_reals, uint32_t removed, bool drain,
                          size_t flow_count) {
  const uint32_t n = uint32_t(before_reals.size());
  SCOPED_TRACE("n=" + std::to_string(n) + (drain ? " drain" : " remove"));
  auto before = build(Kind::kMaglev, before_reals);
  auto after_reals = before_reals;
  if (drain) {
    after_reals[removed].enabled = false;
  } else {
    after_reals.erase(after_reals.begin() + removed);  // later reals change index
  }
  auto after = build(Kind::kMaglev, after_reals, before.get());
  ASSERT_EQ(after->lookup().size(), before->lookup().size());

  const auto flows = test::randomHashes(flow_count);
  const auto was = route(*before, flows), is = route(*after, flows);
  const std::string gone = before_reals[removed].identity;
  size_t moved = 0;
  for (size_t i = 0; i < flows.size(); ++i) {
    if (was[i] == gone) {
      ++moved;
      EXPECT_NE(is[i], gone);
    } else {
      ASSERT_EQ(is[i], was[i]) << "flow " << i << " left a surviving real";
    }
  }
  double total = 0;
  for (const Real& r : before_reals) total += r.weight;
  const double share = before_reals[removed].weight / total;
  EXPECT_NEAR(double(moved) / flows.size(), share, tolerance(share, flows.size()));
  EXPECT_LE(worstImbalance(*after), 0.01);

  const auto b = slotsPerReal(*before), a = slotsPerReal(*after);
  EXPECT_NEAR(double(b[removed]) / before->lookup().size(), share, 0.01 * share);
  for (uint32_t i = 0; i < n; ++i) {
    if (i == removed) continue;
    const uint32_t now = drain ? a[i] : a[i > removed ? i - 1 : i];
    ASSERT_GE(now, b[i]) << "real " << i << " lost slots";
    const double fair = b[removed] * before_reals[i].weight / (total - share * total);
    EXPECT_LE(now - b[i], fair + 2) << "real " << i;  // spread, not dumped on a few reals
  }
}

TEST(Maglev, RemovingOneOfTenMovesOnlyItsFlows) {
  expectMinimalRemoval(test::reals(10), 3, false, 1000000);
}
TEST(Maglev, RemovingOneOfHundredMovesOnlyItsFlows) {
  expectMinimalRemoval(test::reals(100), 42, false, 1000000);
}
TEST(Maglev, DrainingOneOfHundredMovesOnlyItsFlows) {
  expectMinimalRemoval(test::reals(100), 0, true, 200000);
}
TEST(Maglev, RemovingOneOfThousandMovesOnlyItsFlows) {
  expectMinimalRemoval(test::reals(1000), 999, false, 1000000);
}
TEST(Maglev, RemovingAWeightedRealMovesOnlyItsFlows) {
  auto reals = test::reals(1000);
  for (uint32_t i = 0; i < reals.size(); ++i) reals[i].weight = uint16_t(i % 10 + 1);
  expectMinimalRemoval(reals, 505, false, 1000000);
  expectMinimalRemoval(reals, 17, true, 200000);
}

// The check above can fail: a plain rebuild (no history) moves flows between survivors.
TEST(Maglev, RebuildWithoutHistoryWouldMoveOthers) {
  auto reals = test::reals(10);
  auto before = build(Kind::kMaglev, reals);
  reals.erase(reals.begin() + 3);
  auto fresh = build(Kind::kMaglev, reals);
  const auto flows = test::randomHashes(100000);
  const auto was = route(*before, flows), is = route(*fresh, flows);
  size_t others_moved = 0;
  for (size_t i = 0; i < flows.size(); ++i)
    others_moved += was[i] != test::identity(3) && is[i] != was[i];
  EXPECT_GT(others_moved, 0u);
}

void expectMinimalAddition(uint32_t n) {
  SCOPED_TRACE("n=" + std::to_string(n));
  auto reals = test::reals(n + 1);
  const Real newcomer = reals[n / 2];
  reals.erase(reals.begin() + n / 2);
  auto before = build(Kind::kMaglev, reals);
  reals.push_back(newcomer);
  auto after = build(Kind::kMaglev, reals, before.get());

  const auto flows = test::randomHashes(500000, 777);
  const auto was = route(*before, flows), is = route(*after, flows);
  size_t moved = 0;
  for (size_t i = 0; i < flows.size(); ++i) {
    if (is[i] == was[i]) continue;
    ++moved;
    ASSERT_EQ(is[i], newcomer.identity) << "flow " << i << " moved between old reals";
  }
  EXPECT_NEAR(double(moved) / flows.size(), 1.0 / (n + 1), tolerance(1.0 / (n + 1), flows.size()));
  EXPECT_LE(worstImbalance(*after), 0.01);
  const auto b = slotsPerReal(*before), a = slotsPerReal(*after);
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_LE(a[i], b[i]) << "real " << i << " gained slots";
    EXPECT_LE(b[i] - a[i], a[n] / n + 2) << "real " << i;  // each gives about its share
  }
}

TEST(Maglev, AddingARealTakesOnlyItsShare) {
  expectMinimalAddition(10);
  expectMinimalAddition(100);
}

// Random weighted services (fixed seed): removing or adding one real moves no slot between the
// others. Rounding (who gets the odd extra slot) must follow the previous table for this to hold.
TEST(Maglev, RandomWeightedChangesMoveOnlyTheChangedReal) {
  std::mt19937 gen(2024);
  for (int round = 0; round < 48; ++round) {
    // Small services with any weights; large ones whose shares move by less than a slot.
    const bool large = round % 2;
    const bool removing = round % 4 < 2;
    std::vector<Real> with = test::reals(large ? 300 + gen() % 600 : 2 + gen() % 40);
    for (Real& r : with) r.weight = uint16_t(1 + gen() % (large ? 4 : 60000));
    const uint32_t changed = gen() % with.size();
    auto without = with;
    without.erase(without.begin() + changed);
    auto before = build(Kind::kMaglev, removing ? with : without);
    auto after = build(Kind::kMaglev, removing ? without : with, before.get());
    // Both tables' slots as indexes into `with`.
    auto inWith = [&](uint16_t r, bool is_with) { return is_with || r < changed ? r : r + 1u; };
    size_t moved = 0;
    for (size_t s = 0; s < before->lookup().size(); ++s) {
      const uint32_t was = inWith(before->lookup()[s], removing);
      const uint32_t is = inWith(after->lookup()[s], !removing);
      if (was != is) {
        ASSERT_EQ(removing ? was : is, changed) << "round " << round << " slot " << s;
        ++moved;
      }
    }
    ASSERT_LE(worstImbalance(*after, false), 1.0) << "round " << round;  // tiny weights: < 1 slot
    EXPECT_EQ(moved, slotsPerReal(removing ? *before : *after)[changed]) << "round " << round;
  }
}

}  // namespace
}  // namespace vlb::dp::sched
