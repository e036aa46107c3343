// Every way the datapath can lose a packet has a name and a counter (`vlbsh show interfaces`).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace vlb::dp {

enum class DropReason : uint8_t {
  kNone,
  kRunt,              // shorter than an Ethernet header
  kNotForUs,          // unicast to another MAC
  kBadIpv4Header,     // version not 4, or header length below 20 bytes
  kBadIpv4Checksum,   // header checksum wrong
  kBadIpv4Length,     // total length shorter than the header or longer than the frame
  kNoRoute,           // no route in the kernel's table for the destination
  kBlackhole,         // the kernel's route for the destination is a blackhole
  kPuntRingFull,      // the exception path to the kernel twin is full
  kTxFull,            // the egress port's transmit queue is full
  kL4NotSyn,          // TCP to a virtual service without a flow, not a SYN (no loose init)
  kNoReal,            // the virtual service has no real that takes new flows
  kRealUnresolved,    // the real's next hop is not resolved yet (the control thread asks)
  kFlowTableFull,     // no room for a new connection; established ones go on
  kSnatExhausted,     // no SNAT port left for this real
  kFragmentUnknown,   // a later fragment to a VIP or SNAT address whose datagram no lcore knows
  kRealGone,          // a non-TCP packet of a flow reset because its real is gone (policy reset)
  kHandoffFull,       // the ring to the lcore that owns the packet's connection is full
  kUnknownVlan,       // tagged with a VLAN id no configured VLAN of the port has
  kNoHeadroom,        // no room in the buffer to push a VLAN tag
  kCount,
};

constexpr std::array<std::string_view, size_t(DropReason::kCount)> kDropReasonNames = {
    "none",           "runt",     "not_for_us",     "bad_ipv4_header", "bad_ipv4_checksum",
    "bad_ipv4_length", "no_route", "blackhole",      "punt_ring_full", "tx_full",
    "l4_not_syn",     "no_real",  "real_unresolved", "flow_table_full", "snat_exhausted",
    "fragment_unknown", "real_gone", "handoff_full", "unknown_vlan", "no_headroom",
};

inline std::string_view dropReasonName(DropReason r) { return kDropReasonNames[size_t(r)]; }

}  // namespace vlb::dp
