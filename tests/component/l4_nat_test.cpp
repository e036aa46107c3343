// Static NATs and forwarding services through the worker with real DPDK: golden frames both ways
// (TCP, UDP, ICMP echo and errors, checksums recomputed from scratch), forwarding SNAT with the
// replies un-NATed, and the precedence VIP service > static NAT > forwarding service > routing.
#include "datapath/l4/l4_engine.h"
#include "datapath_fixture.h"
#include "l4_frames.h"

namespace vlb::dp {
namespace {

const uint32_t kClient = ipv4("198.51.100.10");  // outside
const uint32_t kPublic = ipv4("203.0.113.20");   // static NAT: public ↔ private
const uint32_t kPrivate = ipv4("192.0.2.11");    // also the real of the VIP service "web"
const uint32_t kInside = ipv4("192.0.2.50");     // an internal host: forwarding with automap
const uint32_t kPlain = ipv4("192.0.2.200");     // an internal host: forwarding with snat none
const uint32_t kExtSelf = ipv4("198.51.100.1"), kIntSelf = ipv4("192.0.2.1");
const MacAddr kInsideMac = mac(0x50), kPlainMac = mac(0x51);

class L4NatTest : public DatapathTest {
 protected:
  void SetUp() override {
    services_ = std::make_unique<l4::Services>(std::vector<ServiceKey>{{kVip, 6, 80, 80, 0}});
    services_->port_self_ip = {kExtSelf, kIntSelf};
    services_->timeouts = flow::makeTimeoutProfile({}, 1000);
    l4::Service web;
    web.name = "web", web.vip = kVip, web.protocol = 6, web.port_first = web.port_last = 80;
    web.idle_ticks = 60000;
    std::string error;
    const std::vector<sched::Real> reals = {{"192.0.2.11:80", 1, true}};
    web.scheduler = sched::Table::build(sched::Kind::kRr, reals, nullptr, &error);
    web.reals = {{kPrivate, 80}};
    services_->list.push_back(std::move(web));
    services_->vips = {kVip};
    services_->snat_addresses = {kExtSelf, kIntSelf};

    const l4::StaticNat nat{kPublic, kPrivate, 0, false};
    services_->static_nats = {nat};
    services_->nat_by_public = {nat};
    services_->nat_by_private = {nat};
    l4::Forwarding out;  // the Edge servers' way out: 192.0.2.0/24 with automap
    out.name = "edge-out", out.source = ipv4("192.0.2.0"), out.mask = 0xffffff00;
    out.snat = l4::SnatMode::kAutomap;
    l4::Forwarding plain;  // a more specific network routed as it is
    plain.name = "plain", plain.source = ipv4("192.0.2.128"), plain.mask = 0xffffff80;
    plain.snat = l4::SnatMode::kNone;
    services_->forwarding = {out, plain};
    services_->forwarding_order = {1, 0};  // longest prefix first
    services_->local_addresses = {kIntSelf, kExtSelf, kVip, kPublic};
    std::sort(services_->local_addresses.begin(), services_->local_addresses.end());

    l4_ = l4::Engine::create(0, 1, 1024);
    ASSERT_TRUE(l4_);
    ASSERT_TRUE(l4_->prepare(*services_));
    services_ptr_.store(services_.get());
    DatapathTest::SetUp();
    tables_.neighbours.push_back({kClient, kExtTwin, kClientMac, NeighbourState::kReachable});
    tables_.neighbours.push_back({kInside, kIntTwin, kInsideMac, NeighbourState::kReachable});
    tables_.neighbours.push_back({kPlain, kIntTwin, kPlainMac, NeighbourState::kReachable});
    tables_.addresses.push_back({kVip, 32, kExtTwin});     // vlbd puts VIPs and public
    tables_.addresses.push_back({kPublic, 32, kExtTwin});  // addresses on a twin
    tables_.addresses.push_back({kIntSelf, 24, kIntTwin});
    publish();
  }

  std::unique_ptr<l4::Services> services_;
};

// An ICMP echo frame leaving the appliance: MAC, addresses, identifier, both checksums.
void expectEcho(const Bytes& f, const MacAddr& dst_mac, uint32_t src, uint32_t dst, uint8_t type,
                uint16_t id) {
  const uint8_t* ip = f.data() + 14;
  EXPECT_EQ(0, std::memcmp(f.data(), dst_mac.bytes, 6));
  EXPECT_TRUE(checksumValid(ip, 20));
  EXPECT_EQ(get32(ip + 12), src);
  EXPECT_EQ(get32(ip + 16), dst);
  EXPECT_EQ(ip[20], type);
  EXPECT_EQ(get16(ip + 24), id);
  EXPECT_TRUE(checksumValid(ip + 20, get16(ip + 2) - 20)) << "ICMP checksum";
}

TEST_F(L4NatTest, StaticNatInboundReachesThePrivateAddressWithTheClientsSource) {
  receive(ext_, frame(ext_.mac, {kClient, kPublic, 40000, 3478}));  // TCP SYN
  expectPacket(only(int_.tx), kReal1Mac, kClient, 40000, kPrivate, 3478);
  receive(ext_, frame(ext_.mac, {kClient, kPublic, 50000, 3478, 17, 0, 20}));  // UDP
  expectPacket(only(int_.tx), kReal1Mac, kClient, 50000, kPrivate, 3478);
  receive(ext_, icmpEcho(ext_.mac, kClient, kPublic, 8, 0x4242));  // ping the public address
  expectEcho(only(int_.tx), kReal1Mac, kClient, kPrivate, 8, 0x4242);
  EXPECT_TRUE(drain(punt_).empty()) << "the kernel never sees them";
  EXPECT_EQ(l4_->staticNat(0).packets_in.get(), 3u);
  EXPECT_EQ(l4_->flows().connections(), 0u) << "stateless";
}

TEST_F(L4NatTest, StaticNatOutboundLeavesFromThePublicAddress) {
  receive(int_, frame(int_.mac, {kPrivate, kClient, 3478, 40000, 6, 0x12}));  // SYN-ACK
  expectPacket(only(ext_.tx), kClientMac, kPublic, 3478, kClient, 40000);
  receive(int_, frame(int_.mac, {kPrivate, kClient, 5060, 5060, 17, 0, 33}));  // UDP, odd length
  expectPacket(only(ext_.tx), kClientMac, kPublic, 5060, kClient, 5060);
  receive(int_, icmpEcho(int_.mac, kPrivate, kClient, 8, 7));  // the Edge server pings out
  expectEcho(only(ext_.tx), kClientMac, kPublic, kClient, 8, 7);
  receive(ext_, icmpEcho(ext_.mac, kClient, kPublic, 0, 7));  // and the reply comes back
  expectEcho(only(int_.tx), kReal1Mac, kClient, kPrivate, 0, 7);
  EXPECT_EQ(l4_->staticNat(0).packets_out.get(), 3u);
  EXPECT_EQ(l4_->staticNat(0).packets_in.get(), 1u);
}

// Any protocol: GRE (no ports) has its address translated and its payload left alone; a later
// fragment of a datagram too (stateless: no first fragment needed).
TEST_F(L4NatTest, StaticNatTranslatesAnyProtocolAndLaterFragments) {
  Bytes gre = frame(ext_.mac, {kClient, kPublic, 0x0000, 0x0800, 17, 0, 12});
  uint8_t* ip = gre.data() + 14;
  ip[9] = 47;  // GRE
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  const Bytes body(gre.begin() + 34, gre.end());
  receive(ext_, gre);
  Bytes out = only(int_.tx);
  EXPECT_EQ(get32(out.data() + 14 + 16), kPrivate);
  EXPECT_EQ(get32(out.data() + 14 + 12), kClient);
  EXPECT_TRUE(checksumValid(out.data() + 14, 20));
  EXPECT_TRUE(std::equal(body.begin(), body.end(), out.begin() + 34));

  Bytes later = frame(int_.mac, {kPrivate, kClient, 1, 2, 17, 0, 24});
  ip = later.data() + 14;
  put16(ip + 6, 0x0003);  // offset 24 bytes, last fragment
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  const Bytes payload(later.begin() + 34, later.end());
  receive(int_, later);
  out = only(ext_.tx);
  EXPECT_EQ(get32(out.data() + 14 + 12), kPublic);
  EXPECT_TRUE(checksumValid(out.data() + 14, 20));
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin() + 34)) << "no ports here";
  EXPECT_EQ(l4_->staticNat(0).packets_in.get(), 1u);
  EXPECT_EQ(l4_->staticNat(0).packets_out.get(), 1u);
}

// The private host answers a client's datagram with "port unreachable": the error leaves from the
// public address and quotes the datagram as the client sent it (to the public address).
TEST_F(L4NatTest, StaticNatIcmpErrorQuotesThePublicAddress) {
  const Bytes sent = frame(ext_.mac, {kClient, kPublic, 5000, 9999, 17, 0, 8});
  receive(ext_, sent);
  const Bytes inside = only(int_.tx);
  Bytes err(14 + 28, 0);
  std::memcpy(err.data(), int_.mac.bytes, 6);
  err[12] = 0x08;
  err.insert(err.end(), inside.begin() + 14, inside.end());
  uint8_t* ip = err.data() + 14;
  ip[0] = 0x45, ip[8] = 64, ip[9] = 1;
  put16(ip + 2, uint16_t(err.size() - 14));
  put32(ip + 12, kPrivate), put32(ip + 16, kClient);
  ip[20] = 3, ip[21] = 3;
  put16(ip + 22, internetChecksum(ip + 20, err.size() - 34));
  put16(ip + 10, internetChecksum(ip, 20));
  receive(int_, err);

  const Bytes out = only(ext_.tx);
  const uint8_t* o = out.data() + 14;
  EXPECT_EQ(get32(o + 12), kPublic);
  EXPECT_EQ(get32(o + 16), kClient);
  EXPECT_TRUE(checksumValid(o, 20));
  EXPECT_TRUE(checksumValid(o + 20, out.size() - 34)) << "ICMP checksum";
  const uint8_t* q = o + 28;
  EXPECT_EQ(get32(q + 12), kClient);
  EXPECT_EQ(get32(q + 16), kPublic);
  EXPECT_TRUE(checksumValid(q, 20));
  EXPECT_EQ(get16(q + 26), get16(sent.data() + 14 + 26))
      << "the UDP checksum as the client sent it";
}

// The private host talking to the appliance itself (a health check's answer, the L7 proxy) keeps
// its own address: the kernel gets it unchanged.
TEST_F(L4NatTest, StaticNatLeavesTrafficToTheApplianceAlone) {
  const Bytes f = frame(int_.mac, {kPrivate, kIntSelf, 80, 33000, 6, 0x12});
  receive(int_, f);
  const auto punted = drain(punt_);
  ASSERT_EQ(punted.size(), 1u);
  EXPECT_EQ(punted[0], f);
  EXPECT_EQ(l4_->staticNat(0).packets_out.get(), 0u);
}

// The private address is also the real of the VIP service: the service's connections (to the VIP,
// and the real's replies) are the service's, not the static NAT's.
TEST_F(L4NatTest, VipServiceComesBeforeTheStaticNat) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41000, 80}));
  const Bytes to_real = only(int_.tx);
  const uint16_t snat_port = get16(to_real.data() + 14 + 20);
  expectPacket(to_real, kReal1Mac, kIntSelf, snat_port, kPrivate, 80);
  receive(int_, frame(int_.mac, {kPrivate, kIntSelf, 80, snat_port, 6, 0x12}));
  expectPacket(only(ext_.tx), kClientMac, kVip, 80, kClient, 41000);  // from the VIP
  EXPECT_EQ(l4_->staticNat(0).packets_out.get() + l4_->staticNat(0).packets_in.get(), 0u);
  EXPECT_EQ(l4_->service(0).opened.get(), 1u);
}

TEST_F(L4NatTest, StaticNatComesBeforeTheForwardingService) {
  receive(int_, frame(int_.mac, {kPrivate, kClient, 44000, 443}));  // kPrivate is in 192.0.2.0/24
  expectPacket(only(ext_.tx), kClientMac, kPublic, 44000, kClient, 443);
  EXPECT_EQ(l4_->forwarding(0).packets_out.get(), 0u);
  EXPECT_EQ(l4_->flows().connections(), 0u);
}

TEST_F(L4NatTest, ForwardingAutomapLeavesFromTheEgressSelfIpAndRepliesAreUnNated) {
  receive(int_, frame(int_.mac, {kInside, kClient, 45000, 443}));
  const Bytes out = only(ext_.tx);
  const uint16_t port = get16(out.data() + 14 + 20);
  EXPECT_GE(port, flow::kSnatFirstPort);
  EXPECT_LE(port, flow::kSnatLastPort);
  expectPacket(out, kClientMac, kExtSelf, port, kClient, 443);

  receive(ext_, frame(ext_.mac, {kClient, kExtSelf, 443, port, 6, 0x12}));  // SYN-ACK
  expectPacket(only(int_.tx), kInsideMac, kClient, 443, kInside, 45000);
  receive(int_, frame(int_.mac, {kInside, kClient, 45000, 443, 6, 0x10}));  // ACK
  expectPacket(only(ext_.tx), kClientMac, kExtSelf, port, kClient, 443);
  EXPECT_TRUE(drain(punt_).empty());
  const l4::NatCounters& c = l4_->forwarding(0);
  EXPECT_EQ(c.opened.get(), 1u);
  EXPECT_EQ(c.packets_out.get(), 2u);
  EXPECT_EQ(c.packets_in.get(), 1u);
  EXPECT_EQ(l4_->flows().connections(), 1u);
}

TEST_F(L4NatTest, ForwardingAutomapTranslatesUdpAndPingBothWays) {
  receive(int_, frame(int_.mac, {kInside, kClient, 5353, 53, 17, 0, 12}));
  const Bytes out = only(ext_.tx);
  const uint16_t port = get16(out.data() + 14 + 20);
  expectPacket(out, kClientMac, kExtSelf, port, kClient, 53);
  receive(ext_, frame(ext_.mac, {kClient, kExtSelf, 53, port, 17, 0, 40}));
  expectPacket(only(int_.tx), kInsideMac, kClient, 53, kInside, 5353);

  receive(int_, icmpEcho(int_.mac, kInside, kClient, 8, 0x0101));
  const Bytes ping = only(ext_.tx);
  const uint16_t id = get16(ping.data() + 14 + 24);
  EXPECT_GE(id, flow::kSnatFirstPort) << "the identifier is translated like a port";
  expectEcho(ping, kClientMac, kExtSelf, kClient, 8, id);
  receive(ext_, icmpEcho(ext_.mac, kClient, kExtSelf, 0, id));
  expectEcho(only(int_.tx), kInsideMac, kClient, kInside, 0, 0x0101);
  EXPECT_EQ(l4_->forwarding(0).opened.get(), 2u);
}

TEST_F(L4NatTest, ForwardingWithoutSnatRoutesAsItIsAndCounts) {
  const Bytes f = frame(int_.mac, {kPlain, kClient, 46000, 443});
  receive(int_, f);
  expectPacket(only(ext_.tx), kClientMac, kPlain, 46000, kClient, 443);
  EXPECT_EQ(l4_->forwarding(1).packets_out.get(), 1u);
  EXPECT_EQ(l4_->forwarding(0).packets_out.get(), 0u) << "the longest prefix decides";
  EXPECT_EQ(l4_->flows().connections(), 0u);
}

TEST_F(L4NatTest, ForwardingLeavesTheApplianceAndStraySegmentsAlone) {
  const Bytes to_self = icmpEcho(int_.mac, kInside, kIntSelf, 8, 9);
  receive(int_, to_self);  // ping the appliance
  const auto punted = drain(punt_);
  ASSERT_EQ(punted.size(), 1u);
  EXPECT_EQ(punted[0], to_self);
  receive(int_, frame(int_.mac, {kInside, kClient, 47000, 443, 6, 0x10}));  // ACK, no flow
  EXPECT_EQ(drops(1, DropReason::kL4NotSyn), 1u) << "not leaked with the internal address";
  EXPECT_TRUE(drain(ext_.tx).empty());
  EXPECT_EQ(l4_->flows().connections(), 0u);
}

// Connections opened from outside to a host of the SNAT network are routed as they are, and
// tracked so that the host's answers are not taken for new connections to translate.
TEST_F(L4NatTest, ForwardingTracksConnectionsFromOutsideUntranslated) {
  receive(ext_, frame(ext_.mac, {kClient, kInside, 48000, 22}));  // SYN from outside
  expectPacket(only(int_.tx), kInsideMac, kClient, 48000, kInside, 22);
  receive(int_, frame(int_.mac, {kInside, kClient, 22, 48000, 6, 0x12}));  // SYN-ACK
  expectPacket(only(ext_.tx), kClientMac, kInside, 22, kClient, 48000);
  receive(ext_, icmpEcho(ext_.mac, kClient, kInside, 8, 0x0707));  // ping from outside
  expectEcho(only(int_.tx), kInsideMac, kClient, kInside, 8, 0x0707);
  receive(int_, icmpEcho(int_.mac, kInside, kClient, 0, 0x0707));
  expectEcho(only(ext_.tx), kClientMac, kInside, kClient, 0, 0x0707);
  receive(int_, icmpEcho(int_.mac, kInside, kClient, 0, 0x0808));  // a reply with no request seen
  expectEcho(only(ext_.tx), kClientMac, kInside, kClient, 0, 0x0808);
  const l4::NatCounters& c = l4_->forwarding(0);
  EXPECT_EQ(c.opened.get(), 2u);
  EXPECT_EQ(c.packets_in.get(), 2u);
  EXPECT_EQ(c.packets_out.get(), 2u);
  EXPECT_EQ(l4_->flows().connections(), 2u);
}

// A live change: the forwarding service removed (a placeholder), its established flow goes on;
// the static NAT removed, the public address stops being translated.
TEST_F(L4NatTest, LiveRemovalKeepsEstablishedForwardingFlows) {
  receive(int_, frame(int_.mac, {kInside, kClient, 45500, 443}));
  const uint16_t port = get16(only(ext_.tx).data() + 14 + 20);

  auto next = std::make_unique<l4::Services>(std::vector<ServiceKey>{{kVip, 6, 80, 80, 0}});
  next->port_self_ip = services_->port_self_ip;
  next->timeouts = services_->timeouts;
  next->list = services_->list;
  next->static_nats = services_->static_nats;
  next->static_nats[0].removed = true;
  next->forwarding = services_->forwarding;
  next->forwarding[0].removed = true;
  next->forwarding_order = {1};
  next->local_addresses = {kIntSelf, kExtSelf, kVip};
  ASSERT_TRUE(l4_->prepare(*next));
  services_ptr_.store(next.get());

  receive(ext_, frame(ext_.mac, {kClient, kExtSelf, 443, port, 6, 0x12}));
  expectPacket(only(int_.tx), kInsideMac, kClient, 443, kInside, 45500);
  receive(int_, frame(int_.mac, {kInside, kClient, 45501, 443}));  // a new one: plain routing
  expectPacket(only(ext_.tx), kClientMac, kInside, 45501, kClient, 443);
  receive(ext_, frame(ext_.mac, {kClient, kPublic, 40000, 3478}));
  EXPECT_EQ(drain(punt_).size(), 1u) << "the public address is the kernel's again";
  EXPECT_TRUE(drain(int_.tx).empty());
  services_ptr_.store(nullptr);
  services_ = std::move(next);
}

}  // namespace
}  // namespace vlb::dp
