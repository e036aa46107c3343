// tcp and icmp checks against loopback: pass, refused, black-holed (timeout), source binding.
#include <gtest/gtest.h>

#include <algorithm>

#include "checker_test_util.h"
#include "loopback_servers.h"

namespace vlb::health::testing {
namespace {

TEST(TcpCheck, PassesWhenTheListenerAccepts) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kTcp)}}));
  ASSERT_TRUE(h.runChecks(real, 2));
  const RealHealthView v = h.view(real);
  EXPECT_EQ(v.state, HealthState::kUp);
  EXPECT_EQ(v.last_reason, Reason::kOk);
  EXPECT_EQ(v.failed_checks, 0u);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].to, HealthState::kUp);
}

TEST(TcpCheck, RefusedFailsWithReasonRefusedNotTimeout) {
  RefusedPort refused;
  ASSERT_NE(refused.port(), 0);
  CheckerHarness h;
  const RealKey real = loopbackReal("web", refused.port());
  CheckSpec spec = quickSpec(CheckType::kTcp);
  spec.timing.interval = Duration(5000);
  spec.timing.timeout = Duration(5000);  // a timeout would also fail, but with another reason
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  const RealHealthView v = h.view(real);
  EXPECT_EQ(v.state, HealthState::kDown);
  EXPECT_EQ(v.last_reason, Reason::kRefused);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].reason, Reason::kRefused);
  EXPECT_EQ(h.events[0].text(),
            "web 127.0.0.1:" + std::to_string(refused.port()) + " unknown -> down (refused)");
}

TEST(TcpCheck, BlackholedPortFailsByTimeout) {
  BlackholePort hole;
  ASSERT_TRUE(hole.ready());
  CheckerHarness h;
  const RealKey real = loopbackReal("web", hole.port());
  CheckSpec spec = quickSpec(CheckType::kTcp);
  spec.timing.timeout = Duration(100);
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runChecks(real, 2));
  const RealHealthView v = h.view(real);
  EXPECT_EQ(v.state, HealthState::kDown);
  EXPECT_EQ(v.last_reason, Reason::kTimeout);
  EXPECT_EQ(v.consecutive_failures, 2u);
  EXPECT_EQ(h.checker->counters().running + h.checker->counters().checks_failed,
            h.checker->counters().checks_started);
}

TEST(TcpCheck, ChecksLeaveFromTheGivenSourceAddress) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  CheckSpec spec = quickSpec(CheckType::kTcp);
  spec.source = 0x7F000002;  // 127.0.0.2 stands in for the internal self IP
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runUntil([&] { return !server.peers().empty(); }));
  for (uint32_t peer : server.peers()) EXPECT_EQ(ipv4Text(peer), "127.0.0.2");
}

TEST(TcpCheck, AnUnusableSourceAddressIsALocalError) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  CheckSpec spec = quickSpec(CheckType::kTcp);
  spec.source = 0xC0000263;  // 192.0.2.99: not an address of this host
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).last_reason, Reason::kLocalError);
}

TEST(IcmpCheck, EchoTo127001Passes) {
  CheckerHarness h;
  const RealKey real = loopbackReal("ping", 0);
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kIcmp)}}));
  ASSERT_TRUE(h.runChecks(real, 3));
  const RealHealthView v = h.view(real);
  EXPECT_EQ(v.state, HealthState::kUp);
  EXPECT_EQ(v.last_reason, Reason::kOk) << reasonName(v.last_reason);
  EXPECT_EQ(v.failed_checks, 0u);
}

TEST(IcmpCheck, TwoRealsAtOnceEachGetTheirOwnReply) {
  CheckerHarness h;
  const RealKey a = loopbackReal("ping", 0, 0x7F000001), b = loopbackReal("ping", 0, 0x7F000003);
  ASSERT_TRUE(h.set({{a, quickSpec(CheckType::kIcmp)}, {b, quickSpec(CheckType::kIcmp)}}));
  ASSERT_TRUE(h.runUntil([&] { return h.view(a).checks >= 3 && h.view(b).checks >= 3; }));
  EXPECT_EQ(h.view(a).failed_checks, 0u);
  EXPECT_EQ(h.view(b).failed_checks, 0u);
}

TEST(NoneCheck, IsUpWithoutProbing) {
  CheckerHarness h;
  const RealKey real = loopbackReal("web", 1);
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kNone)}}));
  EXPECT_EQ(h.view(real).state, HealthState::kUp);
  EXPECT_EQ(h.view(real).last_reason, Reason::kNoCheck);
  EXPECT_EQ(h.checker->nextDeadline(), TimePoint::max());
}

}  // namespace
}  // namespace vlb::health::testing
