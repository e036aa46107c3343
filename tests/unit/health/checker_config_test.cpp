// Live configuration of the checker: kept state for unchanged specs, changed and removed checks,
// refusal without change, admin overrides, the fd waking for deadlines.
#include <gtest/gtest.h>
#include <poll.h>

#include "checker_test_util.h"
#include "loopback_servers.h"

namespace vlb::health::testing {
namespace {

TEST(CheckerConfig, UnchangedSpecKeepsStateAndHistory) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey a = loopbackReal("web", server.port()), b = loopbackReal("web2", server.port());
  const CheckSpec spec = quickSpec(CheckType::kTcp);
  ASSERT_TRUE(h.set({{a, spec}}));
  ASSERT_TRUE(h.runChecks(a, 2));
  const RealHealthView before = h.view(a);
  ASSERT_EQ(before.state, HealthState::kUp);
  ASSERT_TRUE(h.set({{a, spec}, {b, spec}}));
  const RealHealthView after = h.view(a);
  EXPECT_EQ(after.state, HealthState::kUp);
  EXPECT_EQ(after.since, before.since);
  EXPECT_EQ(after.checks, before.checks);
  EXPECT_EQ(h.view(b).state, HealthState::kUnknown);
  ASSERT_TRUE(h.runChecks(b, 1));
  EXPECT_EQ(h.view(b).state, HealthState::kUp);
  EXPECT_EQ(h.events.size(), 2u);  // a and b each went unknown -> up once
  EXPECT_EQ(h.checker->counters().events, 2u);
}

TEST(CheckerConfig, ChangedSpecKeepsStateAndChecksWithTheNewOne) {
  HttpTestServer server;
  server.setResponse(httpResponse(404, "no such page"));
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kTcp)}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  ASSERT_EQ(h.view(real).state, HealthState::kUp);
  CheckSpec http = quickSpec(CheckType::kHttp);
  http.timing.fall = 2;
  http.path = "/missing";
  ASSERT_TRUE(h.set({{real, http}}));
  EXPECT_EQ(h.view(real).state, HealthState::kUp);  // kept until the new check says otherwise
  EXPECT_EQ(h.view(real).consecutive_passes, 0u);
  ASSERT_TRUE(h.runUntil([&] { return h.view(real).state == HealthState::kDown; }));
  EXPECT_EQ(reasonText(h.view(real).last_reason, h.view(real).last_status), "status 404");
  EXPECT_EQ(h.view(real).consecutive_failures, 2u);
}

TEST(CheckerConfig, RemovedRealsStopAtOnce) {
  BlackholePort hole;
  ASSERT_TRUE(hole.ready());
  CheckerHarness h;
  const RealKey real = loopbackReal("web", hole.port());
  CheckSpec spec = quickSpec(CheckType::kTcp);
  spec.timing.interval = spec.timing.timeout = Duration(5000);
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runUntil([&] { return h.checker->counters().running == 1; }));
  ASSERT_TRUE(h.set({}));
  EXPECT_EQ(h.checker->counters().running, 0u);
  EXPECT_EQ(h.checker->counters().reals, 0u);
  EXPECT_FALSE(h.checker->find(real));
  EXPECT_EQ(h.checker->nextDeadline(), TimePoint::max());
}

TEST(CheckerConfig, ABadSetIsRefusedWholeAndChangesNothing) {
  CheckerHarness h;
  const RealKey a = loopbackReal("web", 80);
  ASSERT_TRUE(h.set({{a, quickSpec(CheckType::kNone)}}));
  CheckSpec bad = quickSpec(CheckType::kHttp);
  bad.timing.rise = 0;
  const RealKey b = loopbackReal("web", 81);
  Status st = h.set({{b, quickSpec(CheckType::kTcp)}, {a, bad}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("web 127.0.0.1:80"), std::string::npos) << st.error();
  EXPECT_NE(st.error().find("rise 0"), std::string::npos) << st.error();
  EXPECT_FALSE(h.checker->find(b));
  EXPECT_EQ(h.view(a).type, CheckType::kNone);

  st = h.set({{a, quickSpec(CheckType::kTcp)}, {a, quickSpec(CheckType::kTcp)}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("listed twice"), std::string::npos) << st.error();

  st = h.set({{loopbackReal("any-port", 0), quickSpec(CheckType::kTcp)}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("any-port 127.0.0.1:0"), std::string::npos) << st.error();
  EXPECT_NE(st.error().find("check port"), std::string::npos) << st.error();
  EXPECT_EQ(h.checker->snapshot().size(), 1u);
}

TEST(CheckerConfig, AdminDrainAndDisableAreEventsAndWin) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kTcp), AdminState::kDisabled}}));
  EXPECT_EQ(h.view(real).state, HealthState::kDisabled);
  ASSERT_TRUE(h.runChecks(real, 1));  // checks go on while disabled
  EXPECT_EQ(h.view(real).state, HealthState::kDisabled);
  EXPECT_EQ(h.view(real).check_state, HealthState::kUp);
  EXPECT_TRUE(h.events.empty());

  ASSERT_TRUE(h.checker->setAdminState(real, AdminState::kDraining, Clock::now()));
  ASSERT_TRUE(h.checker->setAdminState(real, AdminState::kEnabled, Clock::now()));
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].text(), realKeyText(real) + " disabled -> draining (admin)");
  EXPECT_EQ(h.events[1].text(), realKeyText(real) + " draining -> up (admin)");

  Status st = h.checker->setAdminState(loopbackReal("web", 1), AdminState::kDisabled, Clock::now());
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("web 127.0.0.1:1"), std::string::npos) << st.error();
}

TEST(CheckerConfig, TheFdWakesForTheNextCheck) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey real = loopbackReal("web", server.port());
  ASSERT_TRUE(h.set({{real, quickSpec(CheckType::kTcp)}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  // Between checks nothing is in flight: only the deadline can make the fd readable.
  ASSERT_TRUE(h.runUntil([&] { return h.checker->counters().running == 0; }));
  const TimePoint deadline = h.checker->nextDeadline();
  ASSERT_NE(deadline, TimePoint::max());
  pollfd p{h.checker->fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  EXPECT_GE(Clock::now(), deadline);
  h.checker->run(Clock::now());
  EXPECT_EQ(h.checker->counters().running + h.view(real).checks, 2u);
}

TEST(CheckerConfig, SnapshotListsEveryRealInOrder) {
  CheckerHarness h;
  ASSERT_TRUE(h.set({{loopbackReal("b", 80), quickSpec(CheckType::kNone)},
                     {loopbackReal("a", 443), quickSpec(CheckType::kNone)},
                     {loopbackReal("a", 80), quickSpec(CheckType::kNone)}}));
  const auto rows = h.checker->snapshot();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(realKeyText(rows[0].real), "a 127.0.0.1:80");
  EXPECT_EQ(realKeyText(rows[1].real), "a 127.0.0.1:443");
  EXPECT_EQ(realKeyText(rows[2].real), "b 127.0.0.1:80");
}

}  // namespace
}  // namespace vlb::health::testing
