// TCP connection tracking as the load balancer sees it: both directions, flags only (no sequence
// window checks, like IPVS), per-state timeouts in timeouts.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vlb::dp::flow {

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpSyn = 0x02;
constexpr uint8_t kTcpRst = 0x04;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpAck = 0x10;

// Named from the client's side. The field is kept for UDP and ICMP flows too, always kEstablished.
enum class TcpState : uint8_t {
  kSynSent,      // the client's SYN seen
  kSynRecv,      // the real's SYN-ACK seen
  kEstablished,  // the client's ACK of the SYN-ACK seen (or picked up mid-stream: loose init)
  kFinWait,      // the client has sent FIN, the real has not
  kCloseWait,    // the real has sent FIN, the client has not
  kLastAck,      // both have sent FIN; waiting for the last ACK
  kTimeWait,     // the last ACK seen
  kClosed,       // RST seen, or the first FIN under loose close
};
constexpr size_t kTcpStateCount = 8;

enum class FlowDir : uint8_t {
  kOriginal,  // client → VIP, as the connection was opened
  kReply,     // real → client (SNAT address or client address)
};

struct TcpProfile {
  bool loose_init = false;  // a mid-stream packet may create an ESTABLISHED flow (after a failover)
  bool loose_close = false;  // the first FIN closes the flow (CLOSED and its short timeout)
};

inline bool isEmbryonic(TcpState s) { return s == TcpState::kSynSent || s == TcpState::kSynRecv; }

// May a packet of the original direction with these flags, for which there is no flow, create one?
// Strict: a bare SYN. Loose init: also a packet with ACK and without SYN or RST.
inline bool mayCreate(uint8_t flags, bool loose_init) {
  const uint8_t f = flags & (kTcpSyn | kTcpAck | kTcpRst | kTcpFin);
  if (f == kTcpSyn) return true;
  return loose_init && (f & (kTcpSyn | kTcpAck | kTcpRst)) == kTcpAck;
}

namespace detail {
inline TcpState onFin(bool original, TcpProfile p) {
  if (p.loose_close) return TcpState::kClosed;
  return original ? TcpState::kFinWait : TcpState::kCloseWait;
}
}  // namespace detail

// The state after a packet with `flags` going `dir`. Pure: the caller stores the result.
inline TcpState nextState(TcpState s, uint8_t flags, FlowDir dir, TcpProfile p) {
  if (flags & kTcpRst) return TcpState::kClosed;
  const bool original = dir == FlowDir::kOriginal;
  const bool syn = flags & kTcpSyn, ack = flags & kTcpAck, fin = flags & kTcpFin;
  switch (s) {
    case TcpState::kSynSent:  // SYN-ACK from the real, or its SYN in a simultaneous open
      return !original && syn ? TcpState::kSynRecv : s;
    case TcpState::kSynRecv:
      if (fin && !syn) return detail::onFin(original, p);
      return original && ack && !syn ? TcpState::kEstablished : s;
    case TcpState::kEstablished:
      return fin ? detail::onFin(original, p) : s;
    case TcpState::kFinWait:
      return fin && !original ? TcpState::kLastAck : s;
    case TcpState::kCloseWait:
      return fin && original ? TcpState::kLastAck : s;
    case TcpState::kLastAck:  // either side's bare ACK: also ends a simultaneous close
      return ack && !fin && !syn ? TcpState::kTimeWait : s;
    case TcpState::kTimeWait:
    case TcpState::kClosed:  // the client reuses its port: a new connection to the same real
      return original && syn && !ack ? TcpState::kSynSent : s;
  }
  return s;
}

// The state of a flow created by `flags` (mayCreate was true): SYN_SENT for a SYN, otherwise the
// state a mid-stream packet leaves an ESTABLISHED flow in.
inline TcpState initialState(uint8_t flags, TcpProfile p) {
  if (flags & kTcpSyn) return TcpState::kSynSent;
  return nextState(TcpState::kEstablished, flags, FlowDir::kOriginal, p);
}

constexpr std::array<std::string_view, kTcpStateCount> kTcpStateNames = {
    "syn_sent",   "syn_recv", "established", "fin_wait",
    "close_wait", "last_ack", "time_wait",   "closed",
};
inline std::string_view tcpStateName(TcpState s) { return kTcpStateNames[size_t(s)]; }

}  // namespace vlb::dp::flow
