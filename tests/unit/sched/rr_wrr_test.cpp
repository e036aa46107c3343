// rr and wrr: cycles, exact proportions, drain; the Table's validation and kind names.
#include <gtest/gtest.h>

#include <set>

#include "datapath/sched/wrr.h"
#include "sched_test_util.h"

namespace vlb::dp::sched {
namespace {

using test::build;
using test::countPicks;

TEST(Rr, VisitsEveryRealOncePerCycleInOrder) {
  auto t = build(Kind::kRr, test::reals(4));
  LcoreState s(8, 0);
  const RealIndex first = pick(*t, s, {});
  ASSERT_LT(first, 4u);
  for (uint32_t k = 1; k < 12; ++k) EXPECT_EQ(pick(*t, s, {}), (first + k) % 4) << k;
}

TEST(Rr, SkipsDisabledAndZeroWeightReals) {
  auto r = test::reals(4);
  r[1].enabled = false;
  r[3].weight = 0;
  auto t = build(Kind::kRr, r);
  LcoreState s(8, 0);
  auto count = countPicks(*t, s, 100);
  EXPECT_EQ(count, (std::map<RealIndex, int>{{0, 50}, {2, 50}}));
}

TEST(Rr, LcoresStartAtDifferentReals) {
  auto t = build(Kind::kRr, test::reals(4));
  std::set<RealIndex> firsts;
  for (uint32_t lcore = 0; lcore < 8; ++lcore) {
    LcoreState s(8, lcore);
    firsts.insert(pick(*t, s, {}));
  }
  EXPECT_GE(firsts.size(), 3u);
}

TEST(Rr, NoEligibleRealGivesNone) {
  LcoreState s(8, 0);
  EXPECT_EQ(pick(*build(Kind::kRr, {}), s, {}), kNoReal);
  auto r = test::reals(2);
  r[0].enabled = r[1].enabled = false;
  EXPECT_EQ(pick(*build(Kind::kRr, r), s, {}), kNoReal);
}

TEST(Rr, CursorFromALargerTableStaysInRange) {
  LcoreState s(8, 0);
  auto big = build(Kind::kRr, test::reals(7));
  for (int i = 0; i < 6; ++i) pick(*big, s, {});
  auto small = build(Kind::kRr, test::reals(2), big.get());
  for (int i = 0; i < 4; ++i) EXPECT_LT(pick(*small, s, {}), 2u);
}

TEST(Wrr, ExactProportionsOverEveryFullCycle) {
  auto t = build(Kind::kWrr, test::weighted({5, 3, 1}));
  ASSERT_EQ(t->sequence().size(), 9u);
  LcoreState s(8, 3);
  for (int cycle = 0; cycle < 3; ++cycle)
    EXPECT_EQ(countPicks(*t, s, 9), (std::map<RealIndex, int>{{0, 5}, {1, 3}, {2, 1}}));
}

TEST(Wrr, InterleavesRatherThanBursts) {
  auto t = build(Kind::kWrr, test::weighted({5, 3, 1}));
  const auto seq = t->sequence();
  size_t longest = 1, run = 1;
  for (size_t i = 1; i < seq.size() * 2; ++i) {
    run = seq[i % seq.size()] == seq[(i - 1) % seq.size()] ? run + 1 : 1;
    longest = std::max(longest, run);
  }
  EXPECT_LE(longest, 2u);  // 5 of 9 cannot avoid one pair; a burst would be 5 in a row
}

TEST(Wrr, ZeroWeightGetsNothing) {
  auto t = build(Kind::kWrr, test::weighted({1, 1, 0}));
  LcoreState s(8, 0);
  EXPECT_EQ(countPicks(*t, s, 10), (std::map<RealIndex, int>{{0, 5}, {1, 5}}));
}

TEST(Wrr, DrainedRealGetsNoNewPicks) {
  auto r = test::weighted({5, 3, 1});
  r[0].enabled = false;
  auto t = build(Kind::kWrr, r);
  LcoreState s(8, 0);
  EXPECT_EQ(countPicks(*t, s, 8), (std::map<RealIndex, int>{{1, 6}, {2, 2}}));
}

TEST(Wrr, CommonFactorsAreDividedOut) {
  EXPECT_EQ(smoothSequence(std::vector<uint16_t>{200, 100, 0}).size(), 3u);
}

TEST(Wrr, LargeWeightSumsAreBoundedAndStayProportional) {
  const std::vector<uint16_t> w = {65535, 1, 40000, 65534};
  const auto seq = smoothSequence(w);
  ASSERT_LE(seq.size(), kMaxWrrSequence + w.size());
  std::map<uint16_t, double> count;
  for (uint16_t r : seq) ++count[r];
  EXPECT_GE(count[1], 1);  // a real with weight keeps at least one turn
  const double total = 65535 + 1 + 40000 + 65534;
  for (uint16_t r : {0, 2, 3}) EXPECT_NEAR(count[r] / double(seq.size()), w[r] / total, 1e-4) << r;
}

TEST(Table, RefusesDuplicateIdentity) {
  auto r = test::reals(3);
  r[2].identity = r[0].identity;
  std::string error;
  EXPECT_EQ(Table::build(Kind::kMaglev, r, nullptr, &error), nullptr);
  EXPECT_EQ(error, "real 2: identity \"192.0.2.1:8000\" is already real 0's");
}

TEST(Table, RefusesEmptyIdentityAndTooManyReals) {
  auto r = test::reals(2);
  r[1].identity.clear();
  std::string error;
  EXPECT_EQ(Table::build(Kind::kRr, r, nullptr, &error), nullptr);
  EXPECT_EQ(error, "real 1: identity is empty");
  EXPECT_EQ(Table::build(Kind::kRr, test::reals(kMaxReals + 1), nullptr, &error), nullptr);
  EXPECT_EQ(error, "4097 reals: a service has at most 4096");
  EXPECT_NE(Table::build(Kind::kRr, test::reals(kMaxReals), nullptr, &error), nullptr);
}

TEST(Table, KindNamesRoundTrip) {
  for (Kind k : {Kind::kRr, Kind::kWrr, Kind::kLc, Kind::kWlc, Kind::kSh, Kind::kMaglev})
    EXPECT_EQ(parseKind(kindName(k)), k);
  EXPECT_EQ(kindName(Kind::kMaglev), "maglev");
  EXPECT_EQ(parseKind("least-conn"), std::nullopt);
}

}  // namespace
}  // namespace vlb::dp::sched
