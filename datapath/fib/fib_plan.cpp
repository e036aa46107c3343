#include "datapath/fib/fib_plan.h"

#include <algorithm>
#include <tuple>
#include <map>
#include <utility>

namespace vlb::dp {
namespace {

uint32_t maskOf(uint8_t length) { return length == 0 ? 0 : ~uint32_t(0) << (32 - length); }

bool covers(const KernelRoute& r, uint32_t address) {
  return (address & maskOf(r.length)) == (r.destination & maskOf(r.length));
}

// Whether `a` is the kernel's choice over `b` for the same destinations.
bool preferred(const KernelRoute& a, const KernelRoute& b) {
  return a.length > b.length || (a.length == b.length && a.priority < b.priority);
}

// The kernel's own choice for `address`: the longest prefix, then the lowest metric.
const KernelRoute* longestMatch(const std::vector<KernelRoute>& routes, uint32_t address) {
  const KernelRoute* best = nullptr;
  for (const auto& r : routes)
    if (covers(r, address) && (!best || preferred(r, *best))) best = &r;
  return best;
}

// One route per prefix: the one with the lowest metric.
std::vector<KernelRoute> bestRoutes(const std::vector<KernelRoute>& routes) {
  std::map<std::pair<uint32_t, uint8_t>, KernelRoute> best;
  for (const auto& r : routes) {
    auto [it, inserted] = best.try_emplace({r.destination & maskOf(r.length), r.length}, r);
    if (!inserted && r.priority < it->second.priority) it->second = r;
  }
  std::vector<KernelRoute> out;
  for (const auto& [key, r] : best) out.push_back(r);
  return out;
}

// Where frames to an interface leave: a twin's port, or a port and VLAN for a twin's VLAN
// sub-interface.
struct Egress {
  uint16_t port = 0;
  uint16_t vlan = 0;
};

class Egresses {
 public:
  Egresses(const KernelTables& t, const PortOfIfindex& port_of) : tables_(t), port_of_(port_of) {}

  std::optional<Egress> of(int ifindex) const {
    if (auto port = port_of_(ifindex)) return Egress{*port, 0};
    for (const auto& v : tables_.vlans)
      if (v.ifindex == ifindex)
        if (auto port = port_of_(v.parent_ifindex)) return Egress{*port, v.id};
    return std::nullopt;
  }

 private:
  const KernelTables& tables_;
  const PortOfIfindex& port_of_;
};

// The interface's self address whose subnet holds `next_hop`; else its first one that is not a
// host address (a VIP is a /32); else 0.
uint32_t selfAddressFor(const KernelTables& t, int ifindex, uint32_t next_hop) {
  uint32_t fallback = 0;
  for (const auto& a : t.addresses) {
    if (a.ifindex != ifindex || a.length >= 32) continue;
    if ((a.address & maskOf(a.length)) == (next_hop & maskOf(a.length))) return a.address;
    if (!fallback) fallback = a.address;
  }
  return fallback;
}

class PlanBuilder {
 public:
  PlanBuilder() {
    plan_.adjacencies.push_back({Adjacency::Kind::kPunt, 0, {}});
    plan_.adjacencies.push_back({Adjacency::Kind::kDrop, 0, {}});
  }

  uint32_t forward(const Egress& out, const MacAddr& mac, uint32_t self_ip) {
    auto [it, inserted] = forward_index_.try_emplace(
        {uint32_t(out.port) << 16 | out.vlan, macKey(mac), self_ip}, uint32_t(plan_.adjacencies.size()));
    if (inserted)
      plan_.adjacencies.push_back({Adjacency::Kind::kForward, out.port, mac, out.vlan, self_ip});
    return it->second;
  }

  void addVlan(PortVlan v) { plan_.vlans.push_back(v); }

  // Later entries for the same prefix replace earlier ones: callers add in rising priority.
  void add(uint32_t prefix, uint8_t length, uint32_t adjacency) {
    entries_[{prefix & maskOf(length), length}] = adjacency;
  }

  FibPlan finish() {
    for (const auto& [key, adj] : entries_) plan_.entries.push_back({key.first, key.second, adj});
    std::sort(plan_.vlans.begin(), plan_.vlans.end(), [](const PortVlan& a, const PortVlan& b) {
      return a.port != b.port ? a.port < b.port : a.id < b.id;
    });
    return std::move(plan_);
  }

 private:
  static uint64_t macKey(const MacAddr& m) {
    uint64_t k = 0;
    for (uint8_t b : m.bytes) k = k << 8 | b;
    return k;
  }

  FibPlan plan_;
  std::map<std::tuple<uint32_t, uint64_t, uint32_t>, uint32_t> forward_index_;
  std::map<std::pair<uint32_t, uint8_t>, uint32_t> entries_;
};

const KernelNeighbour* findNeighbour(const KernelTables& t, uint32_t address, int ifindex) {
  for (const auto& n : t.neighbours)
    if (n.address == address && n.ifindex == ifindex && neighbourUsable(n.state)) return &n;
  return nullptr;
}

}  // namespace

FibPlan planFib(const KernelTables& tables, const PortOfIfindex& port_of) {
  PlanBuilder b;
  const Egresses egress(tables, port_of);
  for (const auto& v : tables.vlans)
    if (auto port = port_of(v.parent_ifindex)) b.addVlan({*port, v.id});
  const std::vector<KernelRoute> routes = bestRoutes(tables.routes);
  for (const auto& r : routes) {
    if (r.type == RouteType::kBlackhole) {
      b.add(r.destination, r.length, kDropAdjacency);
      continue;
    }
    if (r.type != RouteType::kUnicast) {
      b.add(r.destination, r.length, kPuntAdjacency);
      continue;
    }
    const auto out = egress.of(r.ifindex);
    const KernelNeighbour* gw = r.gateway ? findNeighbour(tables, r.gateway, r.ifindex) : nullptr;
    if (out && gw)
      b.add(r.destination, r.length,
            b.forward(*out, gw->mac, selfAddressFor(tables, r.ifindex, r.gateway)));
    else
      b.add(r.destination, r.length, kPuntAdjacency);
  }

  for (const auto& n : tables.neighbours) {
    const auto out = egress.of(n.ifindex);
    if (!out || !neighbourUsable(n.state)) continue;
    // Only where the kernel itself would deliver on-link through this twin: a more specific
    // gateway, blackhole or unreachable route wins over a neighbour entry.
    const KernelRoute* r = longestMatch(routes, n.address);
    if (r && r->type == RouteType::kUnicast && r->gateway == 0 && r->ifindex == n.ifindex &&
        r->length < 32)
      b.add(n.address, 32, b.forward(*out, n.mac, selfAddressFor(tables, n.ifindex, n.address)));
  }

  for (const auto& a : tables.addresses) {
    b.add(a.address, 32, kPuntAdjacency);
    if (a.length < 31) b.add(a.address | ~maskOf(a.length), 32, kPuntAdjacency);
  }
  return b.finish();
}

}  // namespace vlb::dp
