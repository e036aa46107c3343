// HealthChecker: runs the checks of every real on the control thread, without threads.
//
//   auto checker = HealthChecker::create([](const HealthEvent& e) { ... });
//   loop.add(checker->fd(), EPOLLIN, [&](uint32_t) { checker->run(Clock::now()); });
//   checker->setChecks(reals_and_specs, Clock::now());   // at every config commit
//
// fd() becomes readable when a probe socket is ready or the next deadline (a check to start, a
// check timing out) has come: one fd covers both. nextDeadline() says when, for callers that
// prefer their own timer. Nothing blocks; events are delivered at the end of run(), setChecks()
// and setAdminState(), so the callback may call back into the checker.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/health/check_spec.h"
#include "mgmt/health/health_types.h"
#include "mgmt/health/real_health.h"
#include "mgmt/health/tls_client_context.h"

namespace vlb::health {

class Probe;

// One entry of the configuration: a real of a service, its check, its admin state.
struct RealCheck {
  RealKey real;
  CheckSpec spec;
  AdminState admin = AdminState::kEnabled;
};

// A change of a real's state, as consumers (schedulers, L7 pools, logs, traps) receive it.
struct HealthEvent {
  RealKey real;
  HealthState from = HealthState::kUnknown;
  HealthState to = HealthState::kUnknown;
  Reason reason = Reason::kNone;
  uint16_t status = 0;
  TimePoint at{};
  std::string text() const;  // "svc 192.0.2.10:443 up -> down (status 503)"
};

// One row of `show real-servers` and the per-real metrics.
struct RealHealthView {
  RealKey real;
  CheckType type = CheckType::kNone;
  HealthState state = HealthState::kUnknown;        // what consumers act on
  HealthState check_state = HealthState::kUnknown;  // from the checks alone
  AdminState admin = AdminState::kEnabled;
  TimePoint since{};  // when `state` last changed
  Reason last_reason = Reason::kNone;
  uint16_t last_status = 0;
  Duration last_latency{0};
  TimePoint last_check_at{};  // epoch when none ended yet
  unsigned consecutive_passes = 0;
  unsigned consecutive_failures = 0;
  uint64_t checks = 0;
  uint64_t failed_checks = 0;
  uint64_t transitions = 0;
};

struct CheckerCounters {
  uint64_t checks_started = 0;
  uint64_t checks_passed = 0;
  uint64_t checks_failed = 0;
  uint64_t events = 0;  // state changes delivered
  size_t reals = 0;
  size_t running = 0;  // checks in flight now
};

class HealthChecker {
 public:
  using EventCallback = std::function<void(const HealthEvent&)>;

  // `seed` makes the jitter reproducible in tests; 0 picks a random one.
  static Result<std::unique_ptr<HealthChecker>> create(EventCallback on_event, uint64_t seed = 0);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  int fd() const { return epfd_; }
  void run(TimePoint now);
  TimePoint nextDeadline() const;  // TimePoint::max() when nothing is scheduled

  // Replaces the whole set. Validated whole first: on error nothing changes. A real whose spec is
  // unchanged keeps its state and schedule; a changed spec keeps the state, restarts the
  // consecutive counts and checks soon; removed reals stop at once (no event).
  Status setChecks(const std::vector<RealCheck>& checks, TimePoint now);
  // Runtime admin change of one real (until the next setChecks gives it again).
  Status setAdminState(const RealKey& real, AdminState admin, TimePoint now);

  std::vector<RealHealthView> snapshot() const;  // sorted by service, address, port
  std::optional<RealHealthView> find(const RealKey& real) const;
  CheckerCounters counters() const;

 private:
  struct Entry;
  HealthChecker(EventCallback on_event, int epfd, int timerfd, uint64_t seed);

  void startCheck(Entry& e, TimePoint now);
  void finishCheck(Entry& e, const CheckResult& result, TimePoint now);
  void stopProbe(Entry& e);
  void schedule(Entry& e, TimePoint due);
  void scheduleFirst(Entry& e, TimePoint now);
  Duration jittered(const CheckTiming& t, bool first);
  void onProbeReady(Entry& e, uint32_t events, TimePoint now);
  void note(const RealKey& real, const std::optional<Transition>& t);
  void deliverEvents();
  void armTimer();
  RealHealthView view(const Entry& e) const;

  EventCallback on_event_;
  int epfd_;
  int timerfd_;
  std::mt19937_64 rng_;
  uint64_t next_token_ = 1;  // 0 is the timer fd
  uint16_t next_echo_id_ = 1;
  std::map<RealKey, std::unique_ptr<Entry>> entries_;
  std::unordered_map<uint64_t, Entry*> by_token_;
  std::set<std::pair<TimePoint, uint64_t>> timers_;
  TimePoint armed_for_ = TimePoint::max();
  std::unique_ptr<TlsClientContexts> tls_;
  std::vector<HealthEvent> pending_events_;
  CheckerCounters counters_;
};

}  // namespace vlb::health
