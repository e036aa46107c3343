// Names of check types, states and reasons as the shell and metrics print them.
#include "mgmt/health/health_types.h"

namespace vlb::health {

std::string_view checkTypeName(CheckType t) {
  switch (t) {
    case CheckType::kNone:
      return "none";
    case CheckType::kIcmp:
      return "icmp";
    case CheckType::kTcp:
      return "tcp";
    case CheckType::kHttp:
      return "http";
    case CheckType::kHttps:
      return "https";
  }
  return "?";
}

std::string_view healthStateName(HealthState s) {
  switch (s) {
    case HealthState::kUnknown:
      return "unknown";
    case HealthState::kUp:
      return "up";
    case HealthState::kDown:
      return "down";
    case HealthState::kDisabled:
      return "disabled";
    case HealthState::kDraining:
      return "draining";
  }
  return "?";
}

std::string_view adminStateName(AdminState s) {
  switch (s) {
    case AdminState::kEnabled:
      return "enabled";
    case AdminState::kDisabled:
      return "disabled";
    case AdminState::kDraining:
      return "draining";
  }
  return "?";
}

std::string_view reasonName(Reason r) {
  switch (r) {
    case Reason::kNone:
      return "none";
    case Reason::kOk:
      return "ok";
    case Reason::kNoCheck:
      return "no check";
    case Reason::kTimeout:
      return "timeout";
    case Reason::kRefused:
      return "refused";
    case Reason::kUnreachable:
      return "unreachable";
    case Reason::kReset:
      return "reset";
    case Reason::kClosed:
      return "closed";
    case Reason::kTlsError:
      return "tls error";
    case Reason::kStatus:
      return "status";
    case Reason::kBodyMismatch:
      return "body mismatch";
    case Reason::kBadResponse:
      return "bad response";
    case Reason::kLocalError:
      return "local error";
    case Reason::kAdmin:
      return "admin";
    case Reason::kConfig:
      return "config";
  }
  return "?";
}

std::string reasonText(Reason r, uint16_t status) {
  if (r == Reason::kStatus && status != 0) return "status " + std::to_string(status);
  return std::string(reasonName(r));
}

std::string ipv4Text(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

std::string realKeyText(const RealKey& key) {
  return key.service + " " + ipv4Text(key.address) + ":" + std::to_string(key.port);
}

}  // namespace vlb::health
