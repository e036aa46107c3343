// VLANs in the control plane's view of L4 (mgmt/daemon/l4_compile.h), no EAL: where an address is
// on-link (a port's or a VLAN's subnet, longest prefix first), the VLANs' self IPs among the
// compiled services' own and SNAT addresses, and replies to a VLAN self IP steered by their SNAT
// port to the lcore that owns the flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "../unit/packet_builder.h"
#include "datapath/flow/snat_ports.h"
#include "datapath/l4/steering.h"
#include "mgmt/daemon/l4_compile.h"

namespace vlb::mgmt {
namespace {

using Json = nlohmann::json;
using test::ipv4;

Json vlan(const std::string& name, const std::string& port, unsigned id, Json addresses) {
  return {{"name", name}, {"port", port}, {"id", id}, {"addresses", std::move(addresses)}};
}

// The default lab (ext 198.51.100.1/24, int 192.0.2.1/24) with a VLAN on each port.
Json labWithVlans() {
  Json j = Json::parse(config::defaultConfigJson());
  j["vlans"] = {vlan("ext.100", "ext", 100, {"203.0.113.129/26", "2001:db8:100::1/64"}),
                vlan("int.200", "int", 200, {"203.0.113.65/26"})};
  return j;
}

config::Config parsed(const Json& j) {
  auto cfg = config::parseConfig(j.dump());
  EXPECT_TRUE(cfg.ok()) << cfg.error();
  return cfg.ok() ? *cfg : config::Config{};
}

config::IpAddress address(const char* text) {
  auto a = config::parseIpAddress(text);
  EXPECT_TRUE(a.ok()) << text;
  return a.ok() ? *a : config::IpAddress{};
}

bool holds(const std::vector<uint32_t>& sorted, const char* a) {
  return std::binary_search(sorted.begin(), sorted.end(), ipv4(a));
}

TEST(OnLinkOf, ARealOnAVlanSubnetNamesThePortTheVlanAndItsSelfIp) {
  const config::Config cfg = parsed(labWithVlans());
  const auto on = onLinkOf(cfg, address("203.0.113.70"));
  ASSERT_TRUE(on);
  EXPECT_EQ(on->port, 1u);  // int
  EXPECT_EQ(on->vlan, "int.200");
  EXPECT_EQ(on->vlan_id, 200);
  EXPECT_EQ(on->self.text, "203.0.113.65/26");
}

TEST(OnLinkOf, ARealOnAPortSubnetIsUntagged) {
  const config::Config cfg = parsed(labWithVlans());
  const auto on = onLinkOf(cfg, address("192.0.2.11"));
  ASSERT_TRUE(on);
  EXPECT_EQ(on->port, 1u);
  EXPECT_EQ(on->vlan, "");
  EXPECT_EQ(on->vlan_id, 0);
  EXPECT_EQ(on->self.text, "192.0.2.1/24");
}

TEST(OnLinkOf, IPv6OnAVlanAndAnAddressOnNoSubnet) {
  const config::Config cfg = parsed(labWithVlans());
  const auto v6 = onLinkOf(cfg, address("2001:db8:100::5"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->port, 0u);  // ext
  EXPECT_EQ(v6->vlan, "ext.100");
  EXPECT_EQ(v6->self.text, "2001:db8:100::1/64");
  EXPECT_FALSE(onLinkOf(cfg, address("203.0.113.10")));  // the VIP: on no self IP's subnet
}

// A VLAN subnet inside a port's (192.0.2.128/25 in 192.0.2.0/24): the kernel's connected routes
// send its hosts to the VLAN, the others to the port; so does onLinkOf, whatever the order.
TEST(OnLinkOf, TheLongestSubnetWinsLikeTheKernelsConnectedRoutes) {
  Json j = labWithVlans();
  j["vlans"].push_back(vlan("int.300", "int", 300, {"192.0.2.129/25"}));
  const config::Config cfg = parsed(j);
  const auto inner = onLinkOf(cfg, address("192.0.2.200"));
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->vlan, "int.300");
  EXPECT_EQ(inner->vlan_id, 300);
  const auto outer = onLinkOf(cfg, address("192.0.2.100"));
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->vlan, "");
  EXPECT_EQ(outer->self.text, "192.0.2.1/24");
}

TEST(CompileServices, VlanSelfIpsAreLocalAndSnatAddresses) {
  const config::Config cfg = parsed(labWithVlans());
  auto services = compileServices(cfg, nullptr, {});
  ASSERT_TRUE(services.ok()) << services.error();
  const dp::l4::Services& s = **services;
  for (const char* self : {"203.0.113.129", "203.0.113.65", "198.51.100.1", "192.0.2.1"}) {
    EXPECT_TRUE(holds(s.local_addresses, self)) << self;
    EXPECT_TRUE(holds(s.snat_addresses, self)) << self;
  }
  EXPECT_TRUE(std::is_sorted(s.snat_addresses.begin(), s.snat_addresses.end()));
  EXPECT_TRUE(std::is_sorted(s.local_addresses.begin(), s.local_addresses.end()));
  // The ports' own self IPs stay their fallback automap sources.
  EXPECT_EQ(s.port_self_ip, (std::vector<uint32_t>{ipv4("198.51.100.1"), ipv4("192.0.2.1")}));
}

// Every self IP of a port, not only its first: the FIB adjacency names the one on the next hop's
// subnet.
TEST(CompileServices, EverySelfIpOfAPortIsASnatAddress) {
  Json j = labWithVlans();
  j["ports"][1]["addresses"] = {"192.0.2.1/25", "192.0.2.129/25"};
  auto services = compileServices(parsed(j), nullptr, {});
  ASSERT_TRUE(services.ok()) << services.error();
  EXPECT_TRUE(holds((*services)->snat_addresses, "192.0.2.129"));
  EXPECT_TRUE(holds((*services)->local_addresses, "192.0.2.129"));
}

// An external trunk port with self IPs on its VLANs only: automap's fallback source on it is its
// first VLAN's, and the forwarding services' fallback port is that trunk (not port 0, the first
// port, internal here).
TEST(CompileServices, AnExternalTrunkPortFallsBackToItsVlansSelfIp) {
  Json j = labWithVlans();
  j["ports"][0]["role"] = "internal";
  j["ports"][1]["role"] = "external";
  j["ports"][1]["addresses"] = Json::array();
  j["forwarding_services"] = {
      {{"name", "edge-out"}, {"source", "198.51.100.0/24"}, {"snat", "automap"}}};
  auto services = compileServices(parsed(j), nullptr, {});
  ASSERT_TRUE(services.ok()) << services.error();
  const dp::l4::Services& s = **services;
  EXPECT_EQ(s.port_self_ip, (std::vector<uint32_t>{ipv4("198.51.100.1"), ipv4("203.0.113.65")}));
  ASSERT_EQ(s.forwarding.size(), 1u);
  EXPECT_EQ(s.forwarding[0].automap_port, 1);
}

// A TCP packet from `src`:`sport` to `dst`:`dport`, IPv4 header and TCP header only.
std::vector<uint8_t> tcpPacket(const char* src, uint16_t sport, const char* dst, uint16_t dport) {
  std::vector<uint8_t> ip(40, 0);
  ip[0] = 0x45, ip[3] = 40, ip[8] = 64, ip[9] = 6;
  for (int i = 0; i < 4; ++i) {
    ip[12 + i] = uint8_t(ipv4(src) >> (24 - 8 * i));
    ip[16 + i] = uint8_t(ipv4(dst) >> (24 - 8 * i));
  }
  ip[20] = uint8_t(sport >> 8), ip[21] = uint8_t(sport);
  ip[22] = uint8_t(dport >> 8), ip[23] = uint8_t(dport);
  ip[32] = 0x50, ip[33] = 0x12;  // SYN-ACK
  return ip;
}

// A real on VLAN int.200 answers a SNAT connection to the VLAN's self IP: with several datapath
// lcores the answer must reach the lcore whose SNAT port range holds its destination port.
TEST(CompileServices, RepliesToAVlanSelfIpAreSteeredByTheirSnatPort) {
  auto services = compileServices(parsed(labWithVlans()), nullptr, {});
  ASSERT_TRUE(services.ok()) << services.error();
  constexpr uint32_t kLcores = 4;
  for (uint16_t port : {uint16_t(1100), uint16_t(20000), uint16_t(32000)}) {
    const auto ip = tcpPacket("203.0.113.70", 80, "203.0.113.65", port);
    const uint32_t owner = dp::l4::owningLcore(ip.data(), ip.size(), **services, kLcores);
    EXPECT_EQ(owner, dp::flow::ownerLcore(port, kLcores)) << port;
    EXPECT_LT(owner, kLcores) << port;
  }
  // The same reply to an address that is nobody's stays where it was received.
  const auto other = tcpPacket("203.0.113.70", 80, "203.0.113.66", 20000);
  EXPECT_EQ(dp::l4::owningLcore(other.data(), other.size(), **services, kLcores),
            dp::l4::kAnyLcore);
}

}  // namespace
}  // namespace vlb::mgmt
