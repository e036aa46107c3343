// L4 services, forwarding services and static NAT on 802.1Q VLANs through the worker with real
// DPDK, with the services compiled from a config (mgmt/daemon/l4_compile.h) as vlbd does: SNAT
// automap leaves from the egress VLAN's own self IP (the FIB adjacency's), tagged, and the
// replies come back; traffic to a VLAN's self IP is the appliance's, never translated.
#include <nlohmann/json.hpp>

#include "datapath/l4/l4_engine.h"
#include "datapath_fixture.h"
#include "l4_frames.h"
#include "mgmt/daemon/l4_compile.h"

namespace vlb::dp {
namespace {

using Json = nlohmann::json;

constexpr int kExtVlan100 = 30, kIntVlan200 = 31;    // the VLAN sub-interfaces' ifindexes
const uint32_t kClient = ipv4("198.51.100.10");      // outside, untagged
const uint32_t kVlanClient = ipv4("203.0.113.130");  // outside, on ext.100
const uint32_t kVlanReal = ipv4("203.0.113.70");     // inside, on int.200
const uint32_t kReal = ipv4("192.0.2.11");           // inside, untagged
const uint32_t kEdge = ipv4("192.0.2.50");           // inside: a forwarding service's host
const uint32_t kPrivate = ipv4("192.0.2.60");        // a static NAT's private address
const uint32_t kIntSelf = ipv4("192.0.2.1");
const uint32_t kExtVlanSelf = ipv4("203.0.113.129"), kIntVlanSelf = ipv4("203.0.113.65");
const MacAddr kVlanRealMac = mac(0x70), kVlanClientMac = mac(0x30), kEdgeMac = mac(0x50);

// The lab's two ports with a VLAN on each; "web" (port 80) has its real on int.200, "plain"
// (port 81) on int's untagged network; the internal network goes out with automap.
Json vlanLab() {
  Json j = Json::parse(config::defaultConfigJson());
  j["vlans"] = {
      {{"name", "ext.100"}, {"port", "ext"}, {"id", 100}, {"addresses", {"203.0.113.129/26"}}},
      {{"name", "int.200"}, {"port", "int"}, {"id", 200}, {"addresses", {"203.0.113.65/26"}}}};
  j["virtual_services"] = {{{"name", "web"},
                            {"vip", "203.0.113.10"},
                            {"protocol", "tcp"},
                            {"port", 80},
                            {"reals", {{{"address", "203.0.113.70"}}}}},
                           {{"name", "plain"},
                            {"vip", "203.0.113.10"},
                            {"protocol", "tcp"},
                            {"port", 81},
                            {"reals", {{{"address", "192.0.2.11"}, {"port", 80}}}}}};
  j["forwarding_services"] = {
      {{"name", "edge-out"}, {"source", "192.0.2.0/24"}, {"snat", "automap"}}};
  j["static_nats"] = {{{"public", "203.0.113.20"}, {"private", "192.0.2.60"}}};
  return j;
}

// An 802.1Q tag with id `vid` put in `f` after its MAC addresses.
Bytes tagged(Bytes f, uint16_t vid) {
  const uint8_t tag[4] = {0x81, 0x00, uint8_t(vid >> 8), uint8_t(vid)};
  f.insert(f.begin() + 12, tag, tag + 4);
  return f;
}

// `f` without its 802.1Q tag, after checking that it has one with id `vid` (then expectPacket
// reads it like an untagged frame).
Bytes untagged(Bytes f, uint16_t vid) {
  EXPECT_GE(f.size(), 18u);
  if (f.size() < 18) return Bytes(60, 0);
  EXPECT_EQ(get16(f.data() + 12), 0x8100) << "not tagged";
  EXPECT_EQ(get16(f.data() + 14) & 0x0fff, vid);
  f.erase(f.begin() + 12, f.begin() + 16);
  return f;
}

class L4VlanTest : public DatapathTest {
 protected:
  void SetUp() override {
    auto cfg = config::parseConfig(vlanLab().dump());
    ASSERT_TRUE(cfg.ok()) << cfg.error();
    auto compiled = mgmt::compileServices(*cfg, nullptr, {});
    ASSERT_TRUE(compiled.ok()) << compiled.error();
    services_ = std::move(*compiled);
    l4_ = l4::Engine::create(0, 1, 1024);
    ASSERT_TRUE(l4_);
    ASSERT_TRUE(l4_->prepare(*services_));
    services_ptr_.store(services_.get());
    DatapathTest::SetUp();
    // What the kernel holds once vlbd has made the twins' VLAN sub-interfaces and resolved.
    tables_.vlans.push_back({kExtVlan100, kExtTwin, 100});
    tables_.vlans.push_back({kIntVlan200, kIntTwin, 200});
    tables_.routes.push_back({ipv4("203.0.113.128"), 26, 0, kExtVlan100, RouteType::kUnicast});
    tables_.routes.push_back({ipv4("203.0.113.64"), 26, 0, kIntVlan200, RouteType::kUnicast});
    tables_.addresses.push_back({kIntSelf, 24, kIntTwin});
    tables_.addresses.push_back({kExtVlanSelf, 26, kExtVlan100});
    tables_.addresses.push_back({kIntVlanSelf, 26, kIntVlan200});
    tables_.addresses.push_back({kVip, 32, kExtTwin});
    tables_.addresses.push_back({ipv4("203.0.113.20"), 32, kExtTwin});
    tables_.neighbours.push_back({kClient, kExtTwin, kClientMac, NeighbourState::kReachable});
    tables_.neighbours.push_back(
        {kVlanClient, kExtVlan100, kVlanClientMac, NeighbourState::kReachable});
    tables_.neighbours.push_back(
        {kVlanReal, kIntVlan200, kVlanRealMac, NeighbourState::kReachable});
    tables_.neighbours.push_back({kEdge, kIntTwin, kEdgeMac, NeighbourState::kReachable});
    publish();
  }

  std::unique_ptr<l4::Services> services_;
};

TEST_F(L4VlanTest, AutomapToARealOnAVlanLeavesTaggedFromTheVlansSelfIp) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40000, 80}));
  const Bytes out = untagged(only(int_.tx), 200);
  const uint16_t snat_port = get16(out.data() + 14 + 20);
  EXPECT_GE(snat_port, flow::kSnatFirstPort);
  expectPacket(out, kVlanRealMac, kIntVlanSelf, snat_port, kVlanReal, 80);

  // The real's SYN-ACK, tagged on int.200 to the VLAN's self IP, reaches the client from the VIP.
  receive(int_, tagged(frame(int_.mac, {kVlanReal, kIntVlanSelf, 80, snat_port, 6, 0x12}), 200));
  expectPacket(only(ext_.tx), kClientMac, kVip, 80, kClient, 40000);
  EXPECT_TRUE(drain(punt_).empty());
  EXPECT_EQ(l4_->service(0).opened.get(), 1u);
  EXPECT_EQ(l4_->service(0).packets_out.get(), 1u);
}

TEST_F(L4VlanTest, AutomapToAnUntaggedRealStillLeavesFromThePortsSelfIp) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40001, 81}));
  const Bytes out = only(int_.tx);
  EXPECT_EQ(get16(out.data() + 12), 0x0800) << "untagged";
  expectPacket(out, kReal1Mac, kIntSelf, get16(out.data() + 14 + 20), kReal, 80);
}

TEST_F(L4VlanTest, ForwardingAutomapOutOfAVlanLeavesFromTheVlansSelfIp) {
  receive(int_, frame(int_.mac, {kEdge, kVlanClient, 50000, 443}));
  const Bytes out = untagged(only(ext_.tx), 100);
  const uint16_t snat_port = get16(out.data() + 14 + 20);
  expectPacket(out, kVlanClientMac, kExtVlanSelf, snat_port, kVlanClient, 443);

  receive(ext_, tagged(frame(ext_.mac, {kVlanClient, kExtVlanSelf, 443, snat_port, 6, 0x12}), 100));
  expectPacket(only(int_.tx), kEdgeMac, kVlanClient, 443, kEdge, 50000);
  EXPECT_EQ(l4_->forwarding(0).opened.get(), 1u);
  EXPECT_EQ(l4_->forwarding(0).packets_in.get(), 1u);
}

// The internal hosts reaching the appliance itself on a VLAN's self IP (a health check's answer,
// the L7 proxy, SSH): the kernel gets the packet as it was sent, neither the forwarding service
// nor the static NAT translates it.
TEST_F(L4VlanTest, TrafficToAVlanSelfIpIsTheAppliancesUntranslated) {
  for (uint32_t from : {kEdge, kPrivate}) {
    const Bytes sent = frame(int_.mac, {from, kIntVlanSelf, 50001, 22});
    receive(int_, sent);
    EXPECT_EQ(only(punt_), sent) << "from " << std::hex << from;
    EXPECT_TRUE(drain(ext_.tx).empty());
  }
  EXPECT_EQ(l4_->forwarding(0).opened.get(), 0u);
  EXPECT_EQ(l4_->staticNat(0).packets_out.get(), 0u);
}

}  // namespace
}  // namespace vlb::dp
