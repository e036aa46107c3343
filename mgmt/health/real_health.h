// The state machine of one real: check results and the admin state in, state changes out.
// Pure: no I/O and no clock of its own (every call takes `now`), so tests drive it directly.
//
//   unknown --pass--> up        unknown --fail--> down       (the first result decides)
//   up --fall consecutive failures--> down --rise consecutive passes--> up
//   admin disabled / draining win over the check-derived state while set; checks go on meanwhile.
#pragma once

#include <optional>

#include "mgmt/health/health_types.h"

namespace vlb::health {

struct Transition {
  HealthState from = HealthState::kUnknown;
  HealthState to = HealthState::kUnknown;
  Reason reason = Reason::kNone;
  uint16_t status = 0;
  TimePoint at{};
};

class RealHealth {
 public:
  // always_up: check type none (up from the start, reason "no check"). A new real starts in
  // `admin` without a transition.
  RealHealth(TimePoint now, unsigned rise, unsigned fall, bool always_up = false,
             AdminState admin = AdminState::kEnabled);

  std::optional<Transition> record(const CheckResult& result, TimePoint now);
  std::optional<Transition> setAdmin(AdminState admin, TimePoint now);
  // A changed check spec: new thresholds, consecutive counts restart; the state is kept.
  void restartCounts(unsigned rise, unsigned fall);

  HealthState state() const;                          // what consumers act on
  HealthState checkState() const { return health_; }  // from checks alone
  AdminState admin() const { return admin_; }
  TimePoint since() const { return since_; }  // when state() last changed
  const CheckResult& lastResult() const { return last_; }
  TimePoint lastCheckAt() const { return last_at_; }
  unsigned consecutivePasses() const { return passes_; }
  unsigned consecutiveFailures() const { return failures_; }
  uint64_t checks() const { return checks_; }
  uint64_t failedChecks() const { return failed_checks_; }
  uint64_t transitions() const { return transitions_; }

 private:
  std::optional<Transition> changeTo(HealthState health, AdminState admin, Reason reason,
                                     uint16_t status, TimePoint now);

  unsigned rise_, fall_;
  HealthState health_;
  AdminState admin_ = AdminState::kEnabled;
  TimePoint since_;
  CheckResult last_;
  TimePoint last_at_{};
  unsigned passes_ = 0, failures_ = 0;
  uint64_t checks_ = 0, failed_checks_ = 0, transitions_ = 0;
};

}  // namespace vlb::health
