// Which lcore owns a packet's connection (datapath/l4/steering.h): both directions of every
// kind of connection land on one lcore, fragments with their datagram, the rest stays put.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "datapath/flow/snat_ports.h"
#include "datapath/l4/steering.h"
#include "datapath/packet/bytes.h"
#include "../packet_builder.h"

namespace vlb::dp::l4 {
namespace {

using Bytes = std::vector<uint8_t>;
using test::ipv4;
const uint32_t kVip = ipv4("203.0.113.10"), kSnat = ipv4("192.0.2.1"), kPool = ipv4("203.0.113.50");
const uint32_t kReal = ipv4("192.0.2.11"), kTransparentReal = ipv4("192.0.2.12");
constexpr uint32_t kLcores = 4;

Bytes packet(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t proto = 6,
             uint16_t frag = 0) {
  Bytes ip(40, 0);
  ip[0] = 0x45, ip[8] = 64, ip[9] = proto;
  store16(ip.data() + 2, 40);
  store16(ip.data() + 6, frag);
  store32(ip.data() + 12, src), store32(ip.data() + 16, dst);
  store16(ip.data() + 20, sport), store16(ip.data() + 22, dport);
  if (proto == 6) ip[32] = 0x50;
  return ip;
}

// An ICMP error from `from` about `quoted` (its IP header and first 8 bytes).
Bytes icmpError(uint32_t from, uint32_t to, const Bytes& quoted) {
  Bytes ip(20 + 8 + 28, 0);
  ip[0] = 0x45, ip[8] = 64, ip[9] = 1;
  store16(ip.data() + 2, uint16_t(ip.size()));
  store32(ip.data() + 12, from), store32(ip.data() + 16, to);
  ip[20] = 3, ip[21] = 4;  // fragmentation needed
  std::copy(quoted.begin(), quoted.begin() + 28, ip.begin() + 28);
  return ip;
}

class SteeringTest : public ::testing::Test {
 protected:
  SteeringTest() : services_(std::vector<ServiceKey>{{kVip, 6, 80, 80, 0}}) {
    services_.vips = {kVip};
    services_.snat_addresses = {kSnat, kPool};
    services_.transparent_reals = {kTransparentReal};
  }
  uint32_t owner(const Bytes& ip) { return owningLcore(ip.data(), ip.size(), services_, kLcores); }
  Services services_;
};

TEST_F(SteeringTest, BothDirectionsOfASnatConnectionMeetOnTheLcoreOwningThePort) {
  std::vector<int> seen(kLcores, 0);
  for (uint32_t client = 1; client < 200; ++client) {
    const uint32_t src = ipv4("198.51.100.0") + client;
    const uint32_t lcore = owner(packet(src, kVip, 40000, 80));
    ASSERT_LT(lcore, kLcores);
    ++seen[lcore];
    // The lcore allocates the SNAT port from its own range; the real's reply names it.
    const uint16_t port = flow::lcorePortRange(lcore, kLcores).first + uint16_t(client);
    EXPECT_EQ(owner(packet(kReal, kSnat, 80, port)), lcore);
    EXPECT_EQ(owner(packet(kReal, kPool, 80, port, 17)), lcore);
  }
  for (int n : seen) EXPECT_GT(n, 20) << "clients spread over the lcores";
}

TEST_F(SteeringTest, TransparentRepliesGoByTheClientAddress) {
  const uint32_t client = ipv4("198.51.100.77");
  const uint32_t lcore = owner(packet(client, kVip, 5000, 80));
  EXPECT_EQ(owner(packet(kTransparentReal, client, 80, 5000)), lcore);
}

TEST_F(SteeringTest, FragmentsFollowTheirDatagram) {
  const uint32_t client = ipv4("198.51.100.78");
  const uint32_t lcore = owner(packet(client, kVip, 5000, 80, 17, 0x2000));  // first, MF
  EXPECT_EQ(owner(packet(client, kVip, 0, 0, 17, 185)), lcore) << "later fragment to the VIP";
  EXPECT_EQ(owner(packet(kTransparentReal, client, 0, 0, 17, 185)), lcore);
  EXPECT_EQ(owner(packet(kReal, kSnat, 0, 0, 17, 185)), kEveryLcore) << "port unknown";
}

TEST_F(SteeringTest, IcmpErrorsGoWhereTheQuotedConnectionLives) {
  const uint32_t client = ipv4("198.51.100.79");
  const uint32_t lcore = owner(packet(client, kVip, 6000, 80));
  const uint16_t port = flow::lcorePortRange(lcore, kLcores).last;
  // A router on the inside about our SNATed packet to the real.
  EXPECT_EQ(owner(icmpError(ipv4("192.0.2.254"), kSnat, packet(kSnat, kReal, port, 80))), lcore);
  // A router outside about our reply from the VIP to the client.
  EXPECT_EQ(owner(icmpError(ipv4("198.51.100.254"), kVip, packet(kVip, client, 80, 6000))), lcore);
}

TEST_F(SteeringTest, OtherTrafficStaysWhereItArrived) {
  EXPECT_EQ(owner(packet(ipv4("198.51.100.5"), ipv4("192.0.2.30"), 1, 2)), kAnyLcore) << "routed";
  EXPECT_EQ(owner(packet(ipv4("198.51.100.5"), kSnat, 40000, 22)), kAnyLcore) << "SSH to a self IP";
  EXPECT_EQ(owner(packet(kReal, kSnat, 80, 40000)), kAnyLcore) << "the kernel's own port range";
}

// Forwarding services: with SNAT, an internal host's connections by its address, and the replies
// to the SNAT address by the port the lcore allocated; without SNAT, and static NATs (stateless),
// wherever they arrive.
class ForwardingSteeringTest : public SteeringTest {
 protected:
  ForwardingSteeringTest() {
    Forwarding snat;
    snat.name = "edge-out", snat.source = ipv4("192.0.2.0"), snat.mask = 0xffffff00;
    Forwarding none;
    none.name = "plain", none.source = ipv4("192.0.2.128"), none.mask = 0xffffff80;
    none.snat = SnatMode::kNone;
    services_.forwarding = {snat, none};
    services_.forwarding_order = {1, 0};
    const StaticNat nat{ipv4("203.0.113.20"), ipv4("192.0.2.60"), 0, false};
    services_.static_nats = services_.nat_by_public = services_.nat_by_private = {nat};
  }
};

TEST_F(ForwardingSteeringTest, SnatConnectionsMeetTheirRepliesOnOneLcore) {
  const uint32_t server = ipv4("198.51.100.200");
  std::vector<int> seen(kLcores, 0);
  for (uint32_t host = 1; host < 120; ++host) {
    const uint32_t inside = ipv4("192.0.2.0") + host;
    const uint32_t lcore = owner(packet(inside, server, 40000, 443));
    ASSERT_LT(lcore, kLcores);
    ++seen[lcore];
    EXPECT_EQ(owner(packet(inside, server, 0, 0, 17, 185)), lcore) << "a later fragment too";
    const uint16_t port = flow::lcorePortRange(lcore, kLcores).first + uint16_t(host);
    EXPECT_EQ(owner(packet(server, kSnat, 443, port)), lcore);
  }
  for (int n : seen) EXPECT_GT(n, 10) << "internal hosts spread over the lcores";
}

TEST_F(ForwardingSteeringTest, ConnectionsFromOutsideMeetTheHostsAnswers) {
  const uint32_t client = ipv4("198.51.100.201");
  for (uint32_t host = 2; host < 40; ++host) {  // .1 is the self IP
    const uint32_t inside = ipv4("192.0.2.0") + host;
    const uint32_t lcore = owner(packet(client, inside, 50000, 22));
    ASSERT_LT(lcore, kLcores);
    EXPECT_EQ(owner(packet(inside, client, 22, 50000)), lcore);
  }
}

TEST_F(ForwardingSteeringTest, WithoutSnatAndStaticNatStayWhereTheyArrive) {
  const uint32_t server = ipv4("198.51.100.200");
  EXPECT_EQ(owner(packet(ipv4("192.0.2.130"), server, 40000, 443)), kAnyLcore) << "snat none";
  EXPECT_EQ(owner(packet(server, ipv4("192.0.2.130"), 443, 40000)), kAnyLcore) << "snat none";
  EXPECT_EQ(owner(packet(server, ipv4("203.0.113.20"), 443, 40000)), kAnyLcore) << "to a public";
  EXPECT_EQ(owner(packet(ipv4("198.51.100.9"), server, 40000, 443)), kAnyLcore) << "no service's";
}

}  // namespace
}  // namespace vlb::dp::l4
