// The parts of the kernel's IPv4 tables the datapath follows, as plain values (host byte order).
#pragma once

#include <cstdint>
#include <vector>

#include "datapath/packet/frame.h"

namespace vlb::dp {

enum class RouteType : uint8_t { kUnicast, kBlackhole, kUnreachable, kOther };

struct KernelRoute {
  uint32_t destination = 0;
  uint8_t length = 0;
  uint32_t gateway = 0;  // 0: connected (on-link)
  int ifindex = 0;
  RouteType type = RouteType::kUnicast;
  uint32_t priority = 0;  // the metric: of two routes to one prefix, the lower wins
};

enum class NeighbourState : uint8_t { kReachable, kStale, kDelay, kProbe, kPermanent, kUnusable };

struct KernelNeighbour {
  uint32_t address = 0;
  int ifindex = 0;
  MacAddr mac{};
  NeighbourState state = NeighbourState::kUnusable;
};

struct KernelAddress {
  uint32_t address = 0;
  uint8_t length = 0;
  int ifindex = 0;
};

// A kernel VLAN interface (802.1Q) on another interface: a VLAN sub-interface of a twin.
struct KernelVlanLink {
  int ifindex = 0;
  int parent_ifindex = 0;
  uint16_t id = 0;
};

struct KernelTables {
  std::vector<KernelRoute> routes;  // main table, TOS 0, live next hops only
  std::vector<KernelNeighbour> neighbours;
  std::vector<KernelAddress> addresses;     // every local IPv4 address in the namespace
  std::vector<KernelVlanLink> vlans;        // every 802.1Q interface in the namespace
};

}  // namespace vlb::dp
