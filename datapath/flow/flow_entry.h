// What the flow table stores per direction of a connection: what NAT needs to rewrite a packet.
#pragma once

#include <cstdint>

#include "datapath/flow/flow_key.h"
#include "datapath/flow/tcp_state.h"

namespace vlb::dp::flow {

// The addresses and ports a packet of this direction leaves with (host order).
struct Rewrite {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint16_t sport = 0;
  uint16_t dport = 0;
};

// FlowEntry::flags
constexpr uint8_t kFlowSnat = 0x01;         // source translated (automap or pool): release the port
constexpr uint8_t kFlowTransparent = 0x02;  // snat none: the real sees the client's address
constexpr uint8_t kFlowLooseInit = 0x04;    // the service accepts mid-stream pickup
constexpr uint8_t kFlowLooseClose = 0x08;   // the first FIN closes
constexpr uint8_t kFlowForwarding = 0x10;   // a forwarding service's: `service` is its slot, no real
constexpr uint8_t kFlowReply = 0x40;  // set by the table: this is the real → client direction
constexpr uint8_t kFlowInUse = 0x80;  // set by the table

// 44 bytes, 4-byte aligned. While unused, `peer` links the free list.
struct FlowEntry {
  FlowKey key;
  Rewrite rewrite;
  uint16_t service;
  uint16_t real;
  uint32_t peer;       // slot index of the other direction's entry
  uint32_t last_seen;  // tick of the last packet this way (the sweep may raise it to the peer's)
  uint8_t egress_port;
  TcpState tcp_state;  // the same in both entries: the table writes both on a change
  uint8_t flags;
  uint8_t reserved;

  bool inUse() const { return flags & kFlowInUse; }
  FlowDir dir() const { return flags & kFlowReply ? FlowDir::kReply : FlowDir::kOriginal; }
  TcpProfile tcpProfile() const {
    return TcpProfile{bool(flags & kFlowLooseInit), bool(flags & kFlowLooseClose)};
  }
};
static_assert(sizeof(FlowEntry) == 44, "a flow direction must stay within its memory budget");

// One direction of a new connection.
struct FlowDirection {
  FlowKey key;
  Rewrite rewrite;
  uint8_t egress_port = 0;
};

struct NewConnection {
  FlowDirection original;  // client → VIP
  FlowDirection reply;     // real → SNAT address (or the client's address when transparent)
  uint16_t service = 0;
  uint16_t real = 0;
  TcpState tcp_state = TcpState::kEstablished;
  uint8_t flags = 0;  // kFlowSnat, kFlowTransparent, kFlowLoose*; the table adds the rest
};

struct Endpoint {
  uint32_t addr = 0;
  uint16_t port = 0;
};

// The two directions of a DNATed connection: the client's packet to the VIP leaves as
// `source` → `real`; the real's reply (`real` → `source`) leaves as VIP → client. `source` is the
// client itself when transparent, or the SNAT address and allocated port. ICMP echo: pass the
// identifier as both ports (see FlowKey); egress ports, indexes, state and flags are the caller's.
inline NewConnection natConnection(const FlowKey& client_to_vip, Endpoint real, Endpoint source) {
  NewConnection c;
  c.original.key = client_to_vip;
  c.original.rewrite = Rewrite{source.addr, real.addr, source.port, real.port};
  c.reply.key = FlowKey::make(real.addr, source.addr, real.port, source.port, client_to_vip.proto);
  c.reply.rewrite =
      Rewrite{client_to_vip.dst, client_to_vip.src, client_to_vip.dport, client_to_vip.sport};
  return c;
}

}  // namespace vlb::dp::flow
