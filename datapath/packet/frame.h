// What the datapath decides about one received Ethernet frame, before any table lookup.
// Works on a byte span so that it is unit-tested without DPDK.
//
// 802.1Q: a frame may carry one VLAN tag (TPID 0x8100); its IPv4 header then starts at byte 18
// (`l3_offset`). The datapath reads tags in the frame bytes. The kernel hands a packet socket the
// tag out of band (tpacket's tp_vlan_tci, TP_STATUS_VLAN_VALID); a PMD that leaves it there marks
// the mbuf RTE_MBUF_F_RX_VLAN_STRIPPED with the tag in vlan_tci, and the worker puts such tags
// back into the frame before classifying (tests/component/worker_test.cpp). Found in the lab
// (kernel 6.18, DPDK 22.11 net_af_packet on a veth): a tagged frame sent by a client reaches the
// worker with its VLAN id (test_vlans.py, unknown_vlan drop). Not yet seen in the lab: tagged
// frames leaving through the PMD, since the lab's kernel has no 802.1Q interfaces
// (CONFIG_VLAN_8021Q unset) for the twins' VLAN sub-interfaces or the clients.
#pragma once

#include <cstddef>
#include <cstdint>

#include "datapath/packet/drop_reason.h"

namespace vlb::dp {

constexpr size_t kEthHeaderLen = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr size_t kVlanTagLen = 4;
constexpr size_t kTaggedHeaderLen = kEthHeaderLen + kVlanTagLen;

enum class FrameKind : uint8_t {
  kDrop,     // see `drop`
  kPunt,     // to the kernel twin: ARP, IPv6, multicast, IPv4 options, anything not for us to route
  kIpv4,     // a well-formed unicast IPv4 packet to route; `ipv4_dst` is set
};

struct FrameVerdict {
  FrameKind kind;
  DropReason drop;    // valid when kind == kDrop
  uint32_t ipv4_dst;  // host order, valid when kind == kIpv4
  uint16_t vlan = 0;  // the tag's VLAN id (0: untagged, or priority-tagged)
  uint8_t l3_offset = kEthHeaderLen;  // where the IPv4 header starts: 14, or 18 when tagged
  bool tagged() const { return l3_offset == kTaggedHeaderLen; }
};

struct MacAddr {
  uint8_t bytes[6];
  bool operator==(const MacAddr&) const = default;
};

// Checks the Ethernet and IPv4 headers of `frame` received on a port whose MAC is `port_mac`.
FrameVerdict classifyFrame(const uint8_t* frame, size_t len, const MacAddr& port_mac);

// Routes an untagged IPv4 frame classified kIpv4 out of a port: new MACs, TTL - 1, checksum
// adjusted. The caller has checked that the TTL is above 1.
void rewriteForwarded(uint8_t* frame, const MacAddr& src, const MacAddr& dst);

// As rewriteForwarded, for a frame whose IPv4 header is at `l3_offset` (14 or 18), leaving on
// VLAN `out_vlan` (0: untagged): the tag is pushed, popped or rewritten (its priority kept).
// Returns where the frame now starts: `frame - 4` after a push (the caller provides those 4
// bytes before `frame`), `frame + 4` after a pop, else `frame`. The length changes by the same.
uint8_t* rewriteForwardedVlan(uint8_t* frame, size_t l3_offset, uint16_t out_vlan,
                              const MacAddr& src, const MacAddr& dst);

// Removes a frame's VLAN tag: returns the new start, `frame + 4` (the MACs move up).
uint8_t* popVlanTag(uint8_t* frame);

// Where the IPv4 header of an already classified frame starts (14, or 18 when tagged).
inline size_t l3OffsetOf(const uint8_t* frame) {
  return (frame[12] << 8 | frame[13]) == kEtherTypeVlan ? kTaggedHeaderLen : kEthHeaderLen;
}

inline uint8_t ipv4Ttl(const uint8_t* frame, size_t l3_offset = kEthHeaderLen) {
  return frame[l3_offset + 8];
}

}  // namespace vlb::dp
