// Turns the kernel's tables into what the datapath's longest-prefix-match table holds.
// Pure: no DPDK, so the rules below are unit-tested.
//
// - local addresses and subnet broadcasts → punt (the kernel answers);
// - a resolved neighbour reached through a connected route on its twin → forward, as a /32;
// - a gateway route whose gateway is resolved → forward to it; unresolved → punt, so that the
//   kernel forwards the first packets itself and resolves the neighbour, which we then learn;
// - a connected route → punt (the kernel resolves unknown hosts); routes not through a twin and
//   unreachable/prohibit routes → punt; blackhole → drop;
// - of several routes to one prefix, the one with the lowest metric.
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
  bool operator==(const Adjacency&) const = default;
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
  bool operator==(const FibPlan&) const = default;
};

constexpr uint32_t kPuntAdjacency = 0;
constexpr uint32_t kDropAdjacency = 1;

// `port_of` maps a twin's ifindex to its datapath port; other interfaces have none.
using PortOfIfindex = std::function<std::optional<uint16_t>(int ifindex)>;

FibPlan planFib(const KernelTables& tables, const PortOfIfindex& port_of);

inline bool neighbourUsable(NeighbourState s) { return s != NeighbourState::kUnusable; }

}  // namespace vlb::dp
