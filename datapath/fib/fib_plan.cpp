#include "datapath/fib/fib_plan.h"

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

class PlanBuilder {
 public:
  PlanBuilder() {
    plan_.adjacencies.push_back({Adjacency::Kind::kPunt, 0, {}});
    plan_.adjacencies.push_back({Adjacency::Kind::kDrop, 0, {}});
  }

  uint32_t forward(uint16_t port, const MacAddr& mac) {
    auto [it, inserted] = forward_index_.try_emplace({port, macKey(mac)}, uint32_t(plan_.adjacencies.size()));
    if (inserted) plan_.adjacencies.push_back({Adjacency::Kind::kForward, port, mac});
    return it->second;
  }

  // Later entries for the same prefix replace earlier ones: callers add in rising priority.
  void add(uint32_t prefix, uint8_t length, uint32_t adjacency) {
    entries_[{prefix & maskOf(length), length}] = adjacency;
  }

  FibPlan finish() {
    for (const auto& [key, adj] : entries_) plan_.entries.push_back({key.first, key.second, adj});
    return std::move(plan_);
  }

 private:
  static uint64_t macKey(const MacAddr& m) {
    uint64_t k = 0;
    for (uint8_t b : m.bytes) k = k << 8 | b;
    return k;
  }

  FibPlan plan_;
  std::map<std::pair<uint16_t, uint64_t>, uint32_t> forward_index_;
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
    const auto port = port_of(r.ifindex);
    const KernelNeighbour* gw = r.gateway ? findNeighbour(tables, r.gateway, r.ifindex) : nullptr;
    if (port && gw)
      b.add(r.destination, r.length, b.forward(*port, gw->mac));
    else
      b.add(r.destination, r.length, kPuntAdjacency);
  }

  for (const auto& n : tables.neighbours) {
    const auto port = port_of(n.ifindex);
    if (!port || !neighbourUsable(n.state)) continue;
    // Only where the kernel itself would deliver on-link through this twin: a more specific
    // gateway, blackhole or unreachable route wins over a neighbour entry.
    const KernelRoute* r = longestMatch(routes, n.address);
    if (r && r->type == RouteType::kUnicast && r->gateway == 0 && r->ifindex == n.ifindex &&
        r->length < 32)
      b.add(n.address, 32, b.forward(*port, n.mac));
  }

  for (const auto& a : tables.addresses) {
    b.add(a.address, 32, kPuntAdjacency);
    if (a.length < 31) b.add(a.address | ~maskOf(a.length), 32, kPuntAdjacency);
  }
  return b.finish();
}

}  // namespace vlb::dp
