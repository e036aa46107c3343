// What the datapath decides about one received Ethernet frame, before any table lookup.
// Works on a byte span so that it is unit-tested without DPDK.
#pragma once

#include <cstddef>
#include <cstdint>

#include "datapath/packet/drop_reason.h"

namespace vlb::dp {

constexpr size_t kEthHeaderLen = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;

enum class FrameKind : uint8_t {
  kDrop,     // see `drop`
  kPunt,     // to the kernel twin: ARP, IPv6, multicast, IPv4 options, anything not for us to route
  kIpv4,     // a well-formed unicast IPv4 packet to route; `ipv4_dst` is set
};

struct FrameVerdict {
  FrameKind kind;
  DropReason drop;    // valid when kind == kDrop
  uint32_t ipv4_dst;  // host order, valid when kind == kIpv4
};

struct MacAddr {
  uint8_t bytes[6];
  bool operator==(const MacAddr&) const = default;
};

// Checks the Ethernet and IPv4 headers of `frame` received on a port whose MAC is `port_mac`.
FrameVerdict classifyFrame(const uint8_t* frame, size_t len, const MacAddr& port_mac);

// Routes an IPv4 frame classified kIpv4 out of a port: new MACs, TTL - 1, checksum adjusted.
// The caller has checked that the TTL is above 1.
void rewriteForwarded(uint8_t* frame, const MacAddr& src, const MacAddr& dst);

inline uint8_t ipv4Ttl(const uint8_t* frame) { return frame[kEthHeaderLen + 8]; }

}  // namespace vlb::dp
