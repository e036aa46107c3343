// Vocabulary of the real-server check engine: clock, real identity, states, reasons, results.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace vlb::health {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

// One real server of one service. A real in two services is two entries with their own checks.
struct RealKey {
  std::string service;
  uint32_t address = 0;  // IPv4, host byte order
  uint16_t port = 0;     // the service's port on the real
  auto operator<=>(const RealKey&) const = default;
};

enum class CheckType : uint8_t { kNone, kIcmp, kTcp, kHttp, kHttps };

// What consumers see. kUnknown: no result yet; schedulers treat it as up.
enum class HealthState : uint8_t { kUnknown, kUp, kDown, kDisabled, kDraining };

// Set by the operator; wins over the check result while not kEnabled.
enum class AdminState : uint8_t { kEnabled, kDisabled, kDraining };

// Why a check ended the way it did, or why a state changed.
enum class Reason : uint8_t {
  kNone,          // no check has ended yet
  kOk,            // the check passed
  kNoCheck,       // check type none: always up
  kTimeout,       // no complete answer within the timeout
  kRefused,       // TCP RST to the SYN
  kUnreachable,   // no route, host or network unreachable (ICMP or local routing)
  kReset,         // connection reset after it was established
  kClosed,        // the real closed before a complete response
  kTlsError,      // TLS handshake or record failure, certificate refused with verify
  kStatus,        // HTTP status not in the expected list (see status)
  kBodyMismatch,  // the body pattern was not found in the first bytes of the body
  kBadResponse,   // not a parseable HTTP/1.x response
  kLocalError,    // the appliance could not run the check (socket, source address)
  kAdmin,         // an operator changed the admin state
  kConfig,        // the check was added or its spec changed
};

struct CheckResult {
  Reason reason = Reason::kNone;
  uint16_t status = 0;  // the HTTP status when one was received
  Duration latency{0};  // start of the check to its end
  bool ok() const { return reason == Reason::kOk || reason == Reason::kNoCheck; }
};

// The states a scheduler may send new flows to; existing flows go on in every state but down.
inline bool takesNewFlows(HealthState s) {
  return s == HealthState::kUp || s == HealthState::kUnknown;
}

std::string_view checkTypeName(CheckType t);
std::string_view healthStateName(HealthState s);
std::string_view adminStateName(AdminState s);
std::string_view reasonName(Reason r);
// "status 503" for kStatus with a status, else reasonName().
std::string reasonText(Reason r, uint16_t status);
std::string ipv4Text(uint32_t address);
std::string realKeyText(const RealKey& key);  // "svc 192.0.2.10:443"

}  // namespace vlb::health
