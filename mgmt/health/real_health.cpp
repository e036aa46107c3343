// RealHealth: rise/fall counting, the admin override and the bookkeeping `show real-servers`
// prints.
#include "mgmt/health/real_health.h"

namespace vlb::health {
namespace {

HealthState effective(HealthState health, AdminState admin) {
  switch (admin) {
    case AdminState::kDisabled:
      return HealthState::kDisabled;
    case AdminState::kDraining:
      return HealthState::kDraining;
    case AdminState::kEnabled:
      break;
  }
  return health;
}

}  // namespace

RealHealth::RealHealth(TimePoint now, unsigned rise, unsigned fall, bool always_up,
                       AdminState admin)
    : rise_(rise ? rise : 1),
      fall_(fall ? fall : 1),
      health_(always_up ? HealthState::kUp : HealthState::kUnknown),
      admin_(admin),
      since_(now) {
  if (always_up) last_.reason = Reason::kNoCheck;
}

HealthState RealHealth::state() const { return effective(health_, admin_); }

void RealHealth::restartCounts(unsigned rise, unsigned fall) {
  rise_ = rise ? rise : 1;
  fall_ = fall ? fall : 1;
  passes_ = failures_ = 0;
}

std::optional<Transition> RealHealth::record(const CheckResult& result, TimePoint now) {
  last_ = result;
  last_at_ = now;
  ++checks_;
  if (result.ok()) {
    ++passes_;
    failures_ = 0;
  } else {
    ++failures_;
    ++failed_checks_;
    passes_ = 0;
  }
  HealthState next = health_;
  if (health_ == HealthState::kUnknown)
    next = result.ok() ? HealthState::kUp : HealthState::kDown;
  else if (health_ == HealthState::kUp && failures_ >= fall_)
    next = HealthState::kDown;
  else if (health_ == HealthState::kDown && passes_ >= rise_)
    next = HealthState::kUp;
  return changeTo(next, admin_, result.reason, result.status, now);
}

std::optional<Transition> RealHealth::setAdmin(AdminState admin, TimePoint now) {
  return changeTo(health_, admin, Reason::kAdmin, 0, now);
}

std::optional<Transition> RealHealth::changeTo(HealthState health, AdminState admin, Reason reason,
                                               uint16_t status, TimePoint now) {
  const HealthState before = state();
  health_ = health;
  admin_ = admin;
  const HealthState after = state();
  if (after == before) return std::nullopt;
  since_ = now;
  ++transitions_;
  return Transition{before, after, reason, status, now};
}

}  // namespace vlb::health
