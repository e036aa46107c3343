// The checker plugged into vlbd's own EventLoop exactly as the daemon is meant to wire it: one fd,
// run() from its callback, no ticks, no threads.
#include <gtest/gtest.h>
#include <sys/epoll.h>

#include "loopback_servers.h"
#include "mgmt/daemon/event_loop.h"
#include "mgmt/health/health_checker.h"

namespace vlb::health::testing {
namespace {

TEST(EventLoopWiring, ChecksRunFromTheControlLoop) {
  HttpTestServer server;
  RefusedPort refused;
  std::vector<HealthEvent> events;
  auto made = HealthChecker::create([&](const HealthEvent& e) { events.push_back(e); }, 7);
  ASSERT_TRUE(made) << made.error();
  HealthChecker& checker = **made;
  mgmt::EventLoop loop;
  ASSERT_TRUE(loop.ok());
  ASSERT_TRUE(loop.add(checker.fd(), EPOLLIN, [&](uint32_t) { checker.run(Clock::now()); }));

  CheckSpec spec;
  spec.type = CheckType::kHttp;
  spec.timing.interval =
      Duration(300);  // defaults otherwise: timeout min(interval, 3 s), jitter 10 %
  const RealKey up{"web", kLoopback, server.port()}, down{"web", kLoopback, refused.port()};
  ASSERT_TRUE(checker.setChecks({{up, spec}, {down, spec}}, Clock::now()));

  const auto give_up = Clock::now() + std::chrono::seconds(10);
  for (int i = 0; i < 10000 && events.size() < 2 && Clock::now() < give_up; ++i) loop.runOnce(100);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(checker.find(up)->state, HealthState::kUp);
  EXPECT_EQ(checker.find(down)->state, HealthState::kDown);
  EXPECT_EQ(checker.find(down)->last_reason, Reason::kRefused);
  loop.remove(checker.fd());
}

}  // namespace
}  // namespace vlb::health::testing
