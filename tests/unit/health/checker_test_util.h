// Helpers for driving a HealthChecker in tests: a recording event callback, a bounded run loop
// that waits on the checker's own fd, and quick check specs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "mgmt/health/health_checker.h"

namespace vlb::health::testing {

struct CheckerHarness {
  CheckerHarness();
  std::unique_ptr<HealthChecker> checker;
  std::vector<HealthEvent> events;

  // Polls fd() and calls run() until `done` holds; false after `limit` of wall time.
  bool runUntil(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::milliseconds(10000));
  // Until the real has at least `n` finished checks.
  bool runChecks(const RealKey& real, uint64_t n);
  RealHealthView view(const RealKey& real) const;
  Status set(const std::vector<RealCheck>& checks);
};

// Fast timing for tests: interval 200 ms, timeout 150 ms, rise 1, fall 1, no jitter.
CheckSpec quickSpec(CheckType type, uint16_t port = 0);

RealKey loopbackReal(const char* service, uint16_t port, uint32_t address = 0x7F000001);

}  // namespace vlb::health::testing
