// Idle timeouts per protocol and TCP state. Time is in coarse ticks of the caller's clock (the
// datapath's loop passes `now`; tests inject it), compared wrap-safe as signed 32-bit differences.
#pragma once

#include <array>
#include <cstdint>

#include "datapath/flow/flow_key.h"
#include "datapath/flow/tcp_state.h"

namespace vlb::dp::flow {

// What an operator configures, in seconds.
struct TimeoutSeconds {
  uint32_t syn = 5;             // SYN_SENT, SYN_RECV: half-open connections go quickly (SYN flood)
  uint32_t established = 1800;  // the service's idle timeout
  uint32_t closing = 60;  // FIN_WAIT, CLOSE_WAIT, LAST_ACK: idle time of a half-closed connection
  // TIME_WAIT only has to carry a retransmitted last ACK or FIN to the same real; the endpoints
  // keep their own 2*MSL. 120 s (conntrack's value) would hold 12 M entries at 100 k connections/s.
  uint32_t time_wait = 15;
  uint32_t closed = 10;  // after RST or a loose close: stragglers still reach the same real
  uint32_t udp = 300;
  uint32_t icmp = 10;  // echo request/reply
};

// The same in ticks, ready for the sweep.
struct TimeoutProfile {
  std::array<uint32_t, kTcpStateCount> tcp{};
  uint32_t udp = 0;
  uint32_t icmp = 0;
};

// Ticks are capped at 2^30 so that the signed comparison holds for any sane clock.
inline TimeoutProfile makeTimeoutProfile(const TimeoutSeconds& s, uint32_t ticks_per_second) {
  auto ticks = [&](uint32_t seconds) {
    const uint64_t t = uint64_t(seconds) * ticks_per_second;
    return uint32_t(t > (1u << 30) ? (1u << 30) : t);
  };
  TimeoutProfile p;
  p.tcp[size_t(TcpState::kSynSent)] = ticks(s.syn);
  p.tcp[size_t(TcpState::kSynRecv)] = ticks(s.syn);
  p.tcp[size_t(TcpState::kEstablished)] = ticks(s.established);
  p.tcp[size_t(TcpState::kFinWait)] = ticks(s.closing);
  p.tcp[size_t(TcpState::kCloseWait)] = ticks(s.closing);
  p.tcp[size_t(TcpState::kLastAck)] = ticks(s.closing);
  p.tcp[size_t(TcpState::kTimeWait)] = ticks(s.time_wait);
  p.tcp[size_t(TcpState::kClosed)] = ticks(s.closed);
  p.udp = ticks(s.udp);
  p.icmp = ticks(s.icmp);
  return p;
}

inline uint32_t timeoutFor(const TimeoutProfile& p, uint8_t proto, TcpState s) {
  if (proto == kIpProtoTcp) return p.tcp[size_t(s)];
  return proto == kIpProtoUdp ? p.udp : p.icmp;
}

// Has something last seen at `last_seen` been idle for `timeout` ticks at `now`? A `last_seen`
// ahead of `now` (a caller's stale clock) counts as not idle.
inline bool idleFor(uint32_t last_seen, uint32_t now, uint32_t timeout) {
  return int32_t(now - last_seen) >= int32_t(timeout);
}

}  // namespace vlb::dp::flow
