// Shared helpers of the flow unit tests: documentation addresses and connection builders.
#pragma once

#include <cstdint>

#include "datapath/flow/flow_entry.h"

namespace vlb::dp::flow::test {

constexpr uint32_t kClientNet = 0xc6336400;  // 198.51.100.0/24
constexpr uint32_t kVip = 0xcb00710a;        // 203.0.113.10
constexpr uint32_t kSnat = 0xcb007114;       // 203.0.113.20
constexpr uint32_t kRealNet = 0xc0000200;    // 192.0.2.0/24

// Client number n (spread over addresses and ports) to VIP:443, SNATed to kSnat:port to real
// 192.0.2.(n%8).
inline NewConnection snatConnection(uint32_t n, uint16_t snat_port,
                                    TcpState s = TcpState::kEstablished) {
  const FlowKey k =
      FlowKey::tcp(kClientNet + (n >> 16) % 256, kVip, uint16_t(1024 + n % 64000), 443);
  NewConnection c = natConnection(k, Endpoint{kRealNet + n % 8, 443}, Endpoint{kSnat, snat_port});
  c.tcp_state = s;
  c.flags = kFlowSnat;
  c.service = 3;
  c.real = uint16_t(n % 8);
  c.original.egress_port = 1;
  c.reply.egress_port = 0;
  return c;
}

// Unique for n < 2^24: client address and port come from n, transparent (no SNAT).
inline NewConnection transparentConnection(uint32_t n, TcpState s = TcpState::kEstablished) {
  const FlowKey k = FlowKey::tcp(kClientNet + ((n >> 16) & 0xff), kVip, uint16_t(n), 80);
  NewConnection c = natConnection(k, Endpoint{kRealNet + 1, 80}, Endpoint{k.src, k.sport});
  c.tcp_state = s;
  c.flags = kFlowTransparent;
  return c;
}

}  // namespace vlb::dp::flow::test
