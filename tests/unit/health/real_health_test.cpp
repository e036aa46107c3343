// RealHealth with a hand-driven clock: the first result decides, rise/fall, admin overrides,
// reasons and since-when.
#include "mgmt/health/real_health.h"

#include <gtest/gtest.h>

namespace vlb::health {
namespace {

using std::chrono::seconds;

const TimePoint t0 = TimePoint() + seconds(1000);
const CheckResult kPass{Reason::kOk, 200, Duration(3)};
const CheckResult kTimeoutFail{Reason::kTimeout, 0, Duration(3000)};
const CheckResult k503{Reason::kStatus, 503, Duration(2)};

TEST(RealHealth, StartsUnknownAndTheFirstResultDecides) {
  RealHealth up(t0, 2, 3);
  EXPECT_EQ(up.state(), HealthState::kUnknown);
  EXPECT_TRUE(takesNewFlows(up.state()));
  auto t = up.record(kPass, t0 + seconds(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, HealthState::kUnknown);
  EXPECT_EQ(t->to, HealthState::kUp);
  EXPECT_EQ(t->reason, Reason::kOk);
  EXPECT_EQ(up.since(), t0 + seconds(1));

  RealHealth down(t0, 2, 3);
  t = down.record(k503, t0 + seconds(2));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, HealthState::kDown);
  EXPECT_EQ(t->reason, Reason::kStatus);
  EXPECT_EQ(t->status, 503);
  EXPECT_FALSE(takesNewFlows(down.state()));
}

TEST(RealHealth, FallConsecutiveFailuresTakeItDown) {
  RealHealth h(t0, 2, 3);
  ASSERT_TRUE(h.record(kPass, t0));
  EXPECT_FALSE(h.record(kTimeoutFail, t0 + seconds(5)));
  EXPECT_FALSE(h.record(kTimeoutFail, t0 + seconds(10)));
  EXPECT_FALSE(h.record(kPass, t0 + seconds(15)));  // a pass restarts the failure count
  EXPECT_FALSE(h.record(kTimeoutFail, t0 + seconds(20)));
  EXPECT_FALSE(h.record(kTimeoutFail, t0 + seconds(25)));
  EXPECT_EQ(h.consecutiveFailures(), 2u);
  auto t = h.record(kTimeoutFail, t0 + seconds(30));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, HealthState::kUp);
  EXPECT_EQ(t->to, HealthState::kDown);
  EXPECT_EQ(t->reason, Reason::kTimeout);
  EXPECT_EQ(h.since(), t0 + seconds(30));
  EXPECT_EQ(h.checks(), 7u);
  EXPECT_EQ(h.failedChecks(), 5u);
  EXPECT_EQ(h.transitions(), 2u);
}

TEST(RealHealth, RiseConsecutivePassesBringItUp) {
  RealHealth h(t0, 3, 1);
  ASSERT_TRUE(h.record(k503, t0));
  EXPECT_FALSE(h.record(kPass, t0 + seconds(1)));
  EXPECT_FALSE(h.record(kPass, t0 + seconds(2)));
  EXPECT_EQ(h.consecutivePasses(), 2u);
  auto t = h.record(kPass, t0 + seconds(3));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, HealthState::kUp);
  EXPECT_EQ(h.lastResult().latency, Duration(3));
  // fall 1: one failure is enough
  t = h.record(k503, t0 + seconds(4));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, HealthState::kDown);
}

TEST(RealHealth, DisabledAndDrainingWinOverChecksWhileSet) {
  RealHealth h(t0, 1, 1);
  ASSERT_TRUE(h.record(kPass, t0));
  auto t = h.setAdmin(AdminState::kDraining, t0 + seconds(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, HealthState::kUp);
  EXPECT_EQ(t->to, HealthState::kDraining);
  EXPECT_EQ(t->reason, Reason::kAdmin);
  EXPECT_FALSE(takesNewFlows(h.state()));
  // The check goes down meanwhile: no visible change, but the check state follows.
  EXPECT_FALSE(h.record(k503, t0 + seconds(2)));
  EXPECT_EQ(h.state(), HealthState::kDraining);
  EXPECT_EQ(h.checkState(), HealthState::kDown);
  t = h.setAdmin(AdminState::kDisabled, t0 + seconds(3));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, HealthState::kDisabled);
  EXPECT_FALSE(h.setAdmin(AdminState::kDisabled, t0 + seconds(4)));  // no change, no event
  t = h.setAdmin(AdminState::kEnabled, t0 + seconds(5));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, HealthState::kDisabled);
  EXPECT_EQ(t->to, HealthState::kDown);  // what the checks said while disabled
  EXPECT_EQ(h.since(), t0 + seconds(5));
}

TEST(RealHealth, NoCheckIsUpFromTheStart) {
  RealHealth h(t0, 2, 3, /*always_up=*/true);
  EXPECT_EQ(h.state(), HealthState::kUp);
  EXPECT_EQ(h.lastResult().reason, Reason::kNoCheck);
  RealHealth disabled(t0, 2, 3, false, AdminState::kDisabled);
  EXPECT_EQ(disabled.state(), HealthState::kDisabled);
  EXPECT_EQ(disabled.transitions(), 0u);
}

TEST(RealHealth, RestartCountsKeepsTheState) {
  RealHealth h(t0, 2, 2);
  ASSERT_TRUE(h.record(kPass, t0));
  EXPECT_FALSE(h.record(k503, t0 + seconds(1)));
  h.restartCounts(2, 2);
  EXPECT_EQ(h.state(), HealthState::kUp);
  EXPECT_EQ(h.consecutiveFailures(), 0u);
  EXPECT_FALSE(h.record(k503, t0 + seconds(2)));  // one failure after the restart: still up
  EXPECT_TRUE(h.record(k503, t0 + seconds(3)));
}

TEST(HealthNames, ReasonsReadAsOperatorsExpect) {
  EXPECT_EQ(reasonText(Reason::kStatus, 503), "status 503");
  EXPECT_EQ(reasonText(Reason::kTlsError, 0), "tls error");
  EXPECT_EQ(reasonText(Reason::kBodyMismatch, 200), "body mismatch");
  EXPECT_EQ(healthStateName(HealthState::kDraining), "draining");
  EXPECT_EQ(realKeyText(RealKey{"owa", 0xC000020A, 443}), "owa 192.0.2.10:443");
}

}  // namespace
}  // namespace vlb::health
