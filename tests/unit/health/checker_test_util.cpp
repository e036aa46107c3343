// CheckerHarness: the checker runs only when its fd says so, as in vlbd's event loop.
#include "checker_test_util.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <csignal>

namespace vlb::health::testing {

CheckerHarness::CheckerHarness() {
  std::signal(SIGPIPE, SIG_IGN);  // as vlbd does
  auto made = HealthChecker::create([this](const HealthEvent& e) { events.push_back(e); }, 42);
  EXPECT_TRUE(made) << made.error();
  if (made) checker = std::move(*made);
}

bool CheckerHarness::runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = Clock::now() + limit;
  for (int i = 0; i < 100000; ++i) {
    if (done()) return true;
    const auto now = Clock::now();
    if (now >= give_up) return false;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - now);
    pollfd p{checker->fd(), POLLIN, 0};
    // The fd alone wakes us: socket readiness and deadlines both make it readable.
    poll(&p, 1, int(std::min<int64_t>(wait.count() + 1, 10000)));
    checker->run(Clock::now());
  }
  return done();
}

bool CheckerHarness::runChecks(const RealKey& real, uint64_t n) {
  return runUntil([&] {
    auto v = checker->find(real);
    return v && v->checks >= n;
  });
}

RealHealthView CheckerHarness::view(const RealKey& real) const {
  auto v = checker->find(real);
  EXPECT_TRUE(v) << realKeyText(real);
  return v ? *v : RealHealthView{};
}

Status CheckerHarness::set(const std::vector<RealCheck>& checks) {
  return checker->setChecks(checks, Clock::now());
}

CheckSpec quickSpec(CheckType type, uint16_t port) {
  CheckSpec s;
  s.type = type;
  s.port = port;
  s.timing.interval = Duration(200);
  s.timing.timeout = Duration(150);
  s.timing.rise = 1;
  s.timing.fall = 1;
  s.timing.jitter_percent = 0;
  return s;
}

RealKey loopbackReal(const char* service, uint16_t port, uint32_t address) {
  return RealKey{service, address, port};
}

}  // namespace vlb::health::testing
