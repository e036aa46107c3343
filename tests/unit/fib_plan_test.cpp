#include "datapath/fib/fib_plan.h"

#include <gtest/gtest.h>

#include <optional>

#include "packet_builder.h"

namespace vlb::dp {
namespace {

using test::ipv4;
using test::mac;

constexpr int kExtTwin = 10, kIntTwin = 11, kMgmtNic = 3;

std::optional<uint16_t> portOf(int ifindex) {
  if (ifindex == kExtTwin) return 0;
  if (ifindex == kIntTwin) return 1;
  return std::nullopt;
}

KernelTables lab() {
  KernelTables t;
  t.routes.push_back({ipv4("198.51.100.0"), 24, 0, kExtTwin, RouteType::kUnicast});
  t.routes.push_back({ipv4("192.0.2.0"), 24, 0, kIntTwin, RouteType::kUnicast});
  t.addresses.push_back({ipv4("198.51.100.1"), 24, kExtTwin});
  t.addresses.push_back({ipv4("192.0.2.1"), 24, kIntTwin});
  return t;
}

// What a prefix resolves to in the plan: the most specific entry covering `address`.
const Adjacency* resolve(const FibPlan& plan, uint32_t address) {
  const FibEntry* best = nullptr;
  for (const auto& e : plan.entries) {
    const uint32_t mask = e.length ? ~uint32_t(0) << (32 - e.length) : 0;
    if ((address & mask) == e.prefix && (!best || e.length > best->length)) best = &e;
  }
  return best ? &plan.adjacencies[best->adjacency] : nullptr;
}

TEST(FibPlan, ResolvedNeighbourOnConnectedRouteIsForwarded) {
  auto t = lab();
  t.neighbours.push_back({ipv4("192.0.2.11"), kIntTwin, mac(0x11), NeighbourState::kReachable});
  t.neighbours.push_back({ipv4("192.0.2.12"), kIntTwin, mac(0x12), NeighbourState::kStale});
  const auto plan = planFib(t, portOf);
  for (auto [addr, last] : {std::pair{"192.0.2.11", 0x11}, std::pair{"192.0.2.12", 0x12}}) {
    const Adjacency* a = resolve(plan, ipv4(addr));
    ASSERT_NE(a, nullptr) << addr;
    EXPECT_EQ(a->kind, Adjacency::Kind::kForward) << addr;
    EXPECT_EQ(a->port, 1);
    EXPECT_EQ(a->dst_mac.bytes[5], last);
  }
}

TEST(FibPlan, UnresolvedHostsAndSelfAndBroadcastArePunted) {
  auto t = lab();
  t.neighbours.push_back({ipv4("192.0.2.13"), kIntTwin, mac(0x13), NeighbourState::kUnusable});
  const auto plan = planFib(t, portOf);
  for (const char* addr : {"192.0.2.13", "192.0.2.99", "192.0.2.1", "198.51.100.1", "192.0.2.255"})
    EXPECT_EQ(resolve(plan, ipv4(addr))->kind, Adjacency::Kind::kPunt) << addr;
}

TEST(FibPlan, NoRouteMeansNoEntry) {
  EXPECT_EQ(resolve(planFib(lab(), portOf), ipv4("203.0.113.5")), nullptr);
}

TEST(FibPlan, GatewayRouteFollowsTheGatewaysNeighbour) {
  auto t = lab();
  t.routes.push_back({0, 0, ipv4("198.51.100.254"), kExtTwin, RouteType::kUnicast});
  EXPECT_EQ(resolve(planFib(t, portOf), ipv4("203.0.113.5"))->kind, Adjacency::Kind::kPunt);

  t.neighbours.push_back({ipv4("198.51.100.254"), kExtTwin, mac(0xfe), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  const Adjacency* a = resolve(plan, ipv4("203.0.113.5"));
  EXPECT_EQ(a->kind, Adjacency::Kind::kForward);
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(a->dst_mac.bytes[5], 0xfe);
}

TEST(FibPlan, NeighbourBehindAMoreSpecificGatewayRouteIsNotAHostRoute) {
  auto t = lab();
  // 192.0.2.128/25 is routed via .13; a stale neighbour entry for .200 must not short-cut it.
  t.routes.push_back({ipv4("192.0.2.128"), 25, ipv4("192.0.2.13"), kIntTwin, RouteType::kUnicast});
  t.neighbours.push_back({ipv4("192.0.2.13"), kIntTwin, mac(0x13), NeighbourState::kReachable});
  t.neighbours.push_back({ipv4("192.0.2.200"), kIntTwin, mac(0xc8), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  const Adjacency* a = resolve(plan, ipv4("192.0.2.200"));
  EXPECT_EQ(a->dst_mac.bytes[5], 0x13);
}

TEST(FibPlan, RoutesNotThroughATwinArePuntedBlackholesDropped) {
  auto t = lab();
  t.routes.push_back({ipv4("10.99.0.0"), 16, 0, kMgmtNic, RouteType::kUnicast});
  t.routes.push_back({ipv4("203.0.113.0"), 24, 0, 0, RouteType::kBlackhole});
  t.routes.push_back({ipv4("203.0.113.128"), 25, 0, 0, RouteType::kUnreachable});
  const auto plan = planFib(t, portOf);
  EXPECT_EQ(resolve(plan, ipv4("10.99.1.1"))->kind, Adjacency::Kind::kPunt);
  EXPECT_EQ(resolve(plan, ipv4("203.0.113.5"))->kind, Adjacency::Kind::kDrop);
  EXPECT_EQ(resolve(plan, ipv4("203.0.113.200"))->kind, Adjacency::Kind::kPunt);
}

TEST(FibPlan, AdjacenciesAreShared) {
  auto t = lab();
  t.routes.push_back({0, 0, ipv4("198.51.100.254"), kExtTwin, RouteType::kUnicast});
  t.routes.push_back({ipv4("203.0.113.0"), 24, ipv4("198.51.100.254"), kExtTwin, RouteType::kUnicast});
  t.neighbours.push_back({ipv4("198.51.100.254"), kExtTwin, mac(0xfe), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  // punt, drop, and one forward adjacency for the gateway and its /32.
  EXPECT_EQ(plan.adjacencies.size(), 3u);
}

}  // namespace
}  // namespace vlb::dp

namespace vlb::dp {
namespace {

TEST(FibPlan, TheLowestMetricWinsForOnePrefix) {
  auto t = lab();
  // The kernel dumps the lower metric first; reading on must not let the backup win.
  t.routes.push_back({0, 0, ipv4("198.51.100.254"), kExtTwin, RouteType::kUnicast, 100});
  t.routes.push_back({0, 0, ipv4("198.51.100.253"), kExtTwin, RouteType::kUnicast, 200});
  t.neighbours.push_back({ipv4("198.51.100.253"), kExtTwin, mac(0xfd), NeighbourState::kReachable});
  t.neighbours.push_back({ipv4("198.51.100.254"), kExtTwin, mac(0xfe), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  EXPECT_EQ(resolve(plan, ipv4("203.0.113.5"))->dst_mac.bytes[5], 0xfe);
}

TEST(FibPlan, BlackholeAndUnreachableWinOverNeighbourEntries) {
  auto t = lab();
  t.routes.push_back({ipv4("192.0.2.5"), 32, 0, 0, RouteType::kBlackhole});
  t.routes.push_back({ipv4("192.0.2.16"), 28, 0, 0, RouteType::kUnreachable});
  t.neighbours.push_back({ipv4("192.0.2.5"), kIntTwin, mac(0x05), NeighbourState::kStale});
  t.neighbours.push_back({ipv4("192.0.2.20"), kIntTwin, mac(0x14), NeighbourState::kStale});
  const auto plan = planFib(t, portOf);
  EXPECT_EQ(resolve(plan, ipv4("192.0.2.5"))->kind, Adjacency::Kind::kDrop);
  EXPECT_EQ(resolve(plan, ipv4("192.0.2.20"))->kind, Adjacency::Kind::kPunt);
}

TEST(FibPlan, APlanEqualsItselfAndNotAChangedNeighbour) {
  auto t = lab();
  t.neighbours.push_back({ipv4("192.0.2.11"), kIntTwin, mac(0x11), NeighbourState::kReachable});
  const auto a = planFib(t, portOf);
  t.neighbours[0].state = NeighbourState::kStale;  // same MAC: nothing the datapath uses changed
  EXPECT_EQ(a, planFib(t, portOf));
  t.neighbours[0].mac = mac(0x12);
  EXPECT_NE(a, planFib(t, portOf));
}

// --- 802.1Q sub-interfaces of the twins ---

constexpr int kIntVlan100 = 20, kIntVlan200 = 21, kStrayVlan = 22;

KernelTables labWithVlans() {
  auto t = lab();
  t.vlans.push_back({kIntVlan100, kIntTwin, 100});
  t.vlans.push_back({kIntVlan200, kIntTwin, 200});
  t.vlans.push_back({kStrayVlan, kMgmtNic, 300});  // not on a twin: not the datapath's
  t.routes.push_back({ipv4("203.0.113.64"), 26, 0, kIntVlan100, RouteType::kUnicast});
  t.routes.push_back({ipv4("203.0.113.128"), 26, 0, kIntVlan200, RouteType::kUnicast});
  t.addresses.push_back({ipv4("203.0.113.65"), 26, kIntVlan100});
  t.addresses.push_back({ipv4("203.0.113.129"), 26, kIntVlan200});
  return t;
}

TEST(FibPlan, ANeighbourOnAVlanIsForwardedOnItsPortWithItsTag) {
  auto t = labWithVlans();
  t.neighbours.push_back({ipv4("203.0.113.70"), kIntVlan100, mac(0x70), NeighbourState::kReachable});
  t.neighbours.push_back({ipv4("192.0.2.11"), kIntTwin, mac(0x11), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  const Adjacency* on_vlan = resolve(plan, ipv4("203.0.113.70"));
  ASSERT_NE(on_vlan, nullptr);
  EXPECT_EQ(on_vlan->kind, Adjacency::Kind::kForward);
  EXPECT_EQ(on_vlan->port, 1);
  EXPECT_EQ(on_vlan->vlan, 100);
  EXPECT_EQ(on_vlan->self_ip, ipv4("203.0.113.65"));
  const Adjacency* untagged = resolve(plan, ipv4("192.0.2.11"));
  ASSERT_NE(untagged, nullptr);
  EXPECT_EQ(untagged->vlan, 0);
  EXPECT_EQ(untagged->self_ip, ipv4("192.0.2.1"));
}

TEST(FibPlan, AGatewayOnAVlanCarriesTheTagAndTheVlansSelfIp) {
  auto t = labWithVlans();
  t.routes.push_back({0, 0, ipv4("203.0.113.190"), kIntVlan200, RouteType::kUnicast});
  t.neighbours.push_back({ipv4("203.0.113.190"), kIntVlan200, mac(0x90), NeighbourState::kStale});
  const auto plan = planFib(t, portOf);
  const Adjacency* a = resolve(plan, ipv4("198.18.0.1"));  // off-lab: the default route
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, Adjacency::Kind::kForward);
  EXPECT_EQ(a->vlan, 200);
  EXPECT_EQ(a->dst_mac.bytes[5], 0x90);
  EXPECT_EQ(a->self_ip, ipv4("203.0.113.129"));
}

TEST(FibPlan, TheSelfIpIgnoresHostAddresses) {
  auto t = lab();
  t.addresses.insert(t.addresses.begin(), {ipv4("203.0.113.10"), 32, kIntTwin});  // a VIP
  t.neighbours.push_back({ipv4("192.0.2.11"), kIntTwin, mac(0x11), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  const Adjacency* a = resolve(plan, ipv4("192.0.2.11"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->self_ip, ipv4("192.0.2.1"));
}

TEST(FibPlan, ListsEachPortsVlansOnlyForTwins) {
  const auto plan = planFib(labWithVlans(), portOf);
  EXPECT_EQ(plan.vlans, (std::vector<PortVlan>{{1, 100}, {1, 200}}));
}

TEST(FibPlan, OneNextHopOnTwoVlansIsTwoAdjacencies) {
  auto t = labWithVlans();
  t.neighbours.push_back({ipv4("203.0.113.70"), kIntVlan100, mac(0x70), NeighbourState::kReachable});
  t.neighbours.push_back({ipv4("203.0.113.140"), kIntVlan200, mac(0x70), NeighbourState::kReachable});
  const auto plan = planFib(t, portOf);
  const Adjacency* a = resolve(plan, ipv4("203.0.113.70"));
  const Adjacency* b = resolve(plan, ipv4("203.0.113.140"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a, b);
  EXPECT_EQ(a->vlan, 100);
  EXPECT_EQ(b->vlan, 200);
}

TEST(FibPlan, AVlanSubInterfaceAppearingChangesThePlan) {
  auto t = lab();
  const auto before = planFib(t, portOf);
  t.vlans.push_back({kIntVlan100, kIntTwin, 100});
  EXPECT_NE(planFib(t, portOf), before);
}

}  // namespace
}  // namespace vlb::dp
