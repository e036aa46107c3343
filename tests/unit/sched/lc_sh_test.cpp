// lc, wlc (least connections, per lcore) and sh (source hash).
#include <gtest/gtest.h>

#include <set>

#include "datapath/sched/hash.h"
#include "sched_test_util.h"

namespace vlb::dp::sched {
namespace {

using test::build;

void open(LcoreState& s, RealIndex r, int n) {
  for (int i = 0; i < n; ++i) s.connOpened(r);
}

TEST(Lc, PicksTheLeastLoadedAndFollowsOpensAndCloses) {
  auto t = build(Kind::kLc, test::reals(3));
  LcoreState s(8, 0);
  open(s, 0, 5);
  open(s, 1, 2);
  open(s, 2, 4);
  EXPECT_EQ(pick(*t, s, {}), 1u);
  open(s, 1, 3);  // 5, 5, 4
  EXPECT_EQ(pick(*t, s, {}), 2u);
  for (int i = 0; i < 3; ++i) s.connClosed(0);  // 2, 5, 4
  EXPECT_EQ(pick(*t, s, {}), 0u);
  EXPECT_EQ(s.active(0), 2u);
}

TEST(Lc, TiesAreSpreadRoundRobin) {
  auto t = build(Kind::kLc, test::reals(4));
  LcoreState s(8, 0);
  std::set<RealIndex> seen;
  for (int i = 0; i < 4; ++i) seen.insert(pick(*t, s, {}));  // nothing opened: all tie at 0
  EXPECT_EQ(seen.size(), 4u);
}

TEST(Lc, SkipsDrainedRealsEvenWhenIdle) {
  auto r = test::reals(3);
  r[0].enabled = false;
  auto t = build(Kind::kLc, r);
  LcoreState s(8, 0);
  open(s, 1, 7);
  open(s, 2, 9);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pick(*t, s, {}), 1u);
}

TEST(Lc, BalancesConnectionsAsTheyOpen) {
  auto t = build(Kind::kLc, test::reals(3));
  LcoreState s(8, 5);
  open(s, 0, 30);
  for (int i = 0; i < 60; ++i) s.connOpened(pick(*t, s, {}));
  EXPECT_EQ(s.active(0), 30u);
  EXPECT_EQ(s.active(1), 30u);
  EXPECT_EQ(s.active(2), 30u);
}

TEST(Lc, CountsNeverUnderflowAndIgnoreUnknownReals) {
  LcoreState s(4, 0);
  s.connClosed(1);
  s.connOpened(4);
  s.connOpened(kNoReal);
  EXPECT_EQ(s.active(1), 0u);
  EXPECT_EQ(s.active(4), 0u);
  auto t = build(Kind::kLc, test::reals(6));  // reals 4 and 5 are beyond this state's capacity
  for (int i = 0; i < 8; ++i) EXPECT_LT(pick(*t, s, {}), 4u);
}

TEST(Wlc, PicksTheLeastConnectionsPerWeight) {
  auto t = build(Kind::kWlc, test::weighted({3, 1}));
  LcoreState s(8, 0);
  open(s, 0, 2);
  open(s, 1, 1);  // 2/3 < 1/1
  EXPECT_EQ(pick(*t, s, {}), 0u);
  open(s, 0, 2);  // 4/3 > 1/1
  EXPECT_EQ(pick(*t, s, {}), 1u);
  s.connClosed(0);  // 3/3 = 1/1: a tie, round robin from after the last pick
  EXPECT_EQ(pick(*t, s, {}), 0u);
}

TEST(Wlc, FillsInProportionToWeight) {
  auto t = build(Kind::kWlc, test::weighted({3, 1, 0}));
  LcoreState s(8, 1);
  for (int i = 0; i < 400; ++i) s.connOpened(pick(*t, s, {}));
  EXPECT_EQ(s.active(0), 300u);
  EXPECT_EQ(s.active(1), 100u);
  EXPECT_EQ(s.active(2), 0u);
}

TEST(Lc, NoEligibleRealGivesNone) {
  auto r = test::reals(2);
  r[0].weight = 0;
  r[1].enabled = false;
  LcoreState s(8, 0);
  EXPECT_EQ(pick(*build(Kind::kLc, r), s, {}), kNoReal);
  EXPECT_EQ(pick(*build(Kind::kWlc, r), s, {}), kNoReal);
}

TEST(Sh, SameSourceSameRealOnEveryLcore) {
  auto t = build(Kind::kSh, test::reals(10));
  LcoreState a(16, 0), b(16, 7);
  for (uint32_t addr = 0xc6336400; addr < 0xc6336500; ++addr) {  // 198.51.100.0/24
    const FlowHashes h{hashSourceV4(addr), 0};
    const RealIndex r = pick(*t, a, h);
    ASSERT_LT(r, 10u);
    EXPECT_EQ(pick(*t, b, h), r);
    EXPECT_EQ(pick(*t, a, {h.source, 0xdeadbeef}), r);  // the flow hash does not matter
  }
}

TEST(Sh, SpreadsSources) {
  auto t = build(Kind::kSh, test::reals(10));
  LcoreState s(16, 0);
  std::vector<int> count(10, 0);
  for (uint32_t i = 0; i < 100000; ++i) ++count[pick(*t, s, {hashSourceV4(0xc6330000 + i), 0})];
  for (int c : count) EXPECT_NEAR(c, 10000, 400);
}

TEST(Sh, DrainedRealGetsNoSources) {
  auto r = test::reals(4);
  r[2].enabled = false;
  auto t = build(Kind::kSh, r);
  LcoreState s(16, 0);
  for (uint32_t i = 0; i < 10000; ++i) EXPECT_NE(pick(*t, s, {hashSourceV4(i), 0}), 2u);
}

}  // namespace
}  // namespace vlb::dp::sched
