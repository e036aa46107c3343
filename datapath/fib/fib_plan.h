// Turns the kernel's tables into what the datapath's longest-prefix-match table holds.
// Pure: no DPDK, so the rules below are unit-tested.
//
// - local addresses and subnet broadcasts → punt (the kernel answers);
// - a resolved neighbour reached through a connected route on its twin → forward, as a /32;
// - a gateway route whose gateway is resolved → forward to it; unresolved → punt, so that the
//   kernel forwards the first packets itself and resolves the neighbour, which we then learn;
// - a connected route → punt (the kernel resolves unknown hosts); routes not through a twin and
//   unreachable/prohibit routes → punt; blackhole → drop;
// - of several routes to one prefix, the one with the lowest metric;
// - a VLAN sub-interface of a twin (802.1Q, on the twin) is that port with the VLAN's tag: its
//   forward adjacencies carry the VLAN id, and the plan lists each port's VLAN ids (tagged
//   frames with any other id are dropped);
// - a forward adjacency carries the egress interface's IPv4 self address on the next hop's
//   subnet (SNAT automap's source).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "datapath/fib/kernel_tables.h"

namespace vlb::dp {

struct Adjacency {
  enum class Kind : uint8_t { kPunt, kForward, kDrop };
  Kind kind = Kind::kPunt;
  uint16_t port = 0;  // egress port, for kForward
  MacAddr dst_mac{};  // next hop's MAC, for kForward
  uint16_t vlan = 0;  // egress VLAN id, for kForward (0: untagged)
  uint32_t self_ip = 0;  // for kForward: the egress interface's IPv4 self address on the next
                         // hop's subnet (host order; 0 if none)
  bool operator==(const Adjacency&) const = default;
};

// A VLAN id a port carries (a twin's VLAN sub-interface).
struct PortVlan {
  uint16_t port = 0;
  uint16_t id = 0;
  bool operator==(const PortVlan&) const = default;
};

struct FibEntry {
  uint32_t prefix = 0;
  uint8_t length = 0;
  uint32_t adjacency = 0;  // index into FibPlan::adjacencies
  bool operator==(const FibEntry&) const = default;
};

struct FibPlan {
  std::vector<Adjacency> adjacencies;  // [0] is always punt, [1] always drop
  std::vector<FibEntry> entries;
  std::vector<PortVlan> vlans;  // sorted
  bool operator==(const FibPlan&) const = default;
};

constexpr uint32_t kPuntAdjacency = 0;
constexpr uint32_t kDropAdjacency = 1;

// `port_of` maps a twin's ifindex to its datapath port; other interfaces have none.
using PortOfIfindex = std::function<std::optional<uint16_t>(int ifindex)>;

FibPlan planFib(const KernelTables& tables, const PortOfIfindex& port_of);

inline bool neighbourUsable(NeighbourState s) { return s != NeighbourState::kUnusable; }

}  // namespace vlb::dp
