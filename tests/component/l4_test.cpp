// L4 virtual services through the worker with real DPDK: golden frames for DNAT + SNAT, un-NAT,
// transparent UDP, ICMP errors, fragments and the L4 drop reasons.
#include "datapath/l4/l4_engine.h"
#include "datapath_fixture.h"
#include "l4_frames.h"

namespace vlb::dp {
namespace {

l4::Service service(const char* name, uint8_t proto, uint16_t port, l4::SnatMode snat,
                    std::vector<l4::Real> reals, std::vector<bool> enabled = {}) {
  l4::Service s;
  s.name = name, s.vip = kVip, s.protocol = proto, s.port_first = s.port_last = port, s.snat = snat;
  s.idle_ticks = 60000;
  std::vector<sched::Real> sr;
  for (size_t i = 0; i < reals.size(); ++i)
    sr.push_back({std::to_string(reals[i].addr) + ":" + std::to_string(reals[i].port), 1,
                  enabled.empty() || enabled[i]});
  std::string error;
  s.scheduler = sched::Table::build(sched::Kind::kRr, sr, nullptr, &error);
  s.reals = std::move(reals);
  return s;
}

class L4Test : public DatapathTest {
 protected:
  void SetUp() override {
    std::vector<ServiceKey> keys = {{kVip, 6, 80, 80, 0}, {kVip, 17, 53, 53, 1}, {kVip, 6, 81, 81, 2},
                                    {kVip, 6, 82, 82, 3}, {kVip, 17, 54, 54, 4}};
    services_ = std::make_unique<l4::Services>(keys);
    services_->port_self_ip = {ipv4("198.51.100.1"), ipv4("192.0.2.1")};
    services_->timeouts = flow::makeTimeoutProfile({}, 1000);
    services_->list.push_back(service("web", 6, 80, l4::SnatMode::kAutomap,
                                      {{ipv4("192.0.2.11"), 80}, {ipv4("192.0.2.12"), 80}}));
    services_->list.push_back(service("dns", 17, 53, l4::SnatMode::kNone, {{ipv4("192.0.2.11"), 0}}));
    services_->list.push_back(service("none-up", 6, 81, l4::SnatMode::kAutomap, {{ipv4("192.0.2.11"), 80}}, {false}));
    services_->list.push_back(service("unresolved", 6, 82, l4::SnatMode::kAutomap, {{ipv4("192.0.2.99"), 80}}));
    services_->list.push_back(service("udp-none-up", 17, 54, l4::SnatMode::kAutomap, {{ipv4("192.0.2.11"), 54}}, {false}));
    l4_ = l4::Engine::create(0, 1, 1024);
    ASSERT_TRUE(l4_);
    ASSERT_TRUE(l4_->prepare(*services_));
    services_ptr_.store(services_.get());
    DatapathTest::SetUp();
    tables_.neighbours.push_back({ipv4("192.0.2.12"), kIntTwin, kReal2Mac, NeighbourState::kReachable});
    tables_.neighbours.push_back({ipv4("198.51.100.10"), kExtTwin, kClientMac, NeighbourState::kStale});
    tables_.addresses.push_back({kVip, 32, kExtTwin});  // vlbd puts each VIP on a twin
    publish();
  }

  std::unique_ptr<l4::Services> services_;
};

const uint32_t kClient = ipv4("198.51.100.10");

TEST_F(L4Test, DnatSnatThenUnNat) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40000, 80}));
  const Bytes out = only(int_.tx);
  const uint8_t* ip = out.data() + 14;
  const uint32_t real = get32(ip + 16);
  ASSERT_TRUE(real == ipv4("192.0.2.11") || real == ipv4("192.0.2.12"));
  const uint16_t snat_port = get16(ip + 20);
  EXPECT_GE(snat_port, 1024);
  expectPacket(out, real == ipv4("192.0.2.11") ? kReal1Mac : kReal2Mac, ipv4("192.0.2.1"), snat_port,
               real, 80);
  EXPECT_EQ(ip[8], 63);  // routed: TTL - 1

  // The real's SYN-ACK to the SNAT address goes back to the client from the VIP.
  receive(int_, frame(int_.mac, {real, ipv4("192.0.2.1"), 80, snat_port, 6, 0x12}));
  expectPacket(only(ext_.tx), kClientMac, kVip, 80, kClient, 40000);
  EXPECT_TRUE(drain(punt_).empty());
  EXPECT_EQ(l4_->service(0).opened.get(), 1u);
  EXPECT_EQ(l4_->service(0).packets_out.get(), 1u);
}

TEST_F(L4Test, TransparentUdpKeepsTheClientAndUdpWithoutChecksumStaysWithout) {
  Segment s{kClient, kVip, 5353, 53, 17};
  s.payload = 12;
  s.udp_sum = false;
  receive(ext_, frame(ext_.mac, s));
  const Bytes out = only(int_.tx);
  expectPacket(out, kReal1Mac, kClient, 5353, ipv4("192.0.2.11"), 53);
  EXPECT_EQ(get16(out.data() + 14 + 26), 0);

  receive(int_, frame(int_.mac, {ipv4("192.0.2.11"), kClient, 53, 5353, 17, 0, 20}));
  expectPacket(only(ext_.tx), kClientMac, kVip, 53, kClient, 5353);
}

TEST_F(L4Test, IcmpErrorFromTheRealReachesTheClientWithTheQuotedPacketAsSent) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 5353, 53, 17, 0, 8}));
  const Bytes to_real = only(int_.tx);
  // The real answers "port unreachable", quoting the packet it got (client → real:53).
  Bytes err(14 + 28, 0);
  std::memcpy(err.data(), int_.mac.bytes, 6);
  err[12] = 0x08;
  err.insert(err.end(), to_real.begin() + 14, to_real.end());
  uint8_t* ip = err.data() + 14;
  ip[0] = 0x45, ip[8] = 64, ip[9] = 1;
  put16(ip + 2, uint16_t(err.size() - 14));
  put32(ip + 12, ipv4("192.0.2.11")), put32(ip + 16, kClient);
  ip[20] = 3, ip[21] = 3;
  put16(ip + 22, internetChecksum(ip + 20, err.size() - 34));
  put16(ip + 10, internetChecksum(ip, 20));
  receive(int_, err);

  const Bytes out = only(ext_.tx);
  const uint8_t* o = out.data() + 14;
  EXPECT_EQ(0, std::memcmp(out.data(), kClientMac.bytes, 6));
  EXPECT_EQ(get32(o + 16), kClient);
  EXPECT_TRUE(checksumValid(o, 20));
  EXPECT_TRUE(checksumValid(o + 20, out.size() - 34)) << "ICMP checksum";
  const uint8_t* q = o + 28;  // the quoted packet: what the client sent, to the VIP
  EXPECT_EQ(get32(q + 12), kClient);
  EXPECT_EQ(get32(q + 16), kVip);
  EXPECT_EQ(get16(q + 22), 53);
  EXPECT_TRUE(checksumValid(q, 20));
}

TEST_F(L4Test, LaterFragmentsFollowTheFirst) {
  Bytes first = frame(ext_.mac, {kClient, kVip, 5353, 53, 17, 0, 32});
  uint8_t* ip = first.data() + 14;
  put16(ip + 6, 0x2000);  // MF
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  receive(ext_, first);
  EXPECT_EQ(get32(only(int_.tx).data() + 14 + 16), ipv4("192.0.2.11"));

  Bytes later = first;
  ip = later.data() + 14;
  put16(ip + 6, 0x0005);  // offset 40 bytes, last fragment
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  const Bytes body(later.begin() + 34, later.end());
  receive(ext_, later);
  const Bytes out = only(int_.tx);
  EXPECT_EQ(get32(out.data() + 14 + 16), ipv4("192.0.2.11"));
  EXPECT_TRUE(checksumValid(out.data() + 14, 20));
  EXPECT_TRUE(std::equal(body.begin(), body.end(), out.begin() + 34));  // payload untouched

  put16(ip + 4, 0x9999);  // another datagram whose first fragment never came
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  receive(ext_, later);
  EXPECT_EQ(drops(0, DropReason::kFragmentUnknown), 1u);
}

TEST_F(L4Test, DropsByReasonAndOtherPortsGoToTheKernel) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40001, 80, 6, 0x10}));  // ACK, no flow
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40003, 82}));           // real not resolved
  EXPECT_EQ(drops(0, DropReason::kL4NotSyn), 1u);
  EXPECT_EQ(drops(0, DropReason::kRealUnresolved), 1u);
  EXPECT_TRUE(drain(int_.tx).empty());
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40004, 443}));  // no service: the kernel's
  EXPECT_EQ(drain(punt_).size(), 1u);
}

// No real takes new flows: a SYN is answered with a reset from the VIP, a datagram with ICMP port
// unreachable quoting it; nothing reaches the inside.
TEST_F(L4Test, NoRealUpRefusesWithResetOrUnreachable) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 40002, 81}));
  Bytes rst = only(ext_.tx);
  const uint8_t* ip = rst.data() + 14;
  EXPECT_EQ(get16(ip + 2), 40);
  EXPECT_TRUE(checksumValid(ip, 20));
  EXPECT_EQ(get32(ip + 12), kVip);
  EXPECT_EQ(get32(ip + 16), kClient);
  EXPECT_EQ(get16(ip + 20), 81);
  EXPECT_EQ(get16(ip + 22), 40002);
  EXPECT_EQ(ip[33], 0x14);             // RST + ACK
  EXPECT_EQ(get32(ip + 28), 1u);       // acknowledges the SYN (seq 0)
  EXPECT_EQ(get16(ip + 36), l4Sum(ip, 40));
  EXPECT_EQ(0, std::memcmp(rst.data(), kClientMac.bytes, 6));
  EXPECT_EQ(l4_->service(2).refused.get(), 1u);

  const Bytes sent = frame(ext_.mac, {kClient, kVip, 5000, 54, 17, 0, 12});
  receive(ext_, sent);
  Bytes icmp = only(ext_.tx);
  ip = icmp.data() + 14;
  ASSERT_EQ(get16(ip + 2), 20 + 8 + 28);
  EXPECT_EQ(ip[9], 1);
  EXPECT_EQ(get32(ip + 12), kVip);
  EXPECT_EQ(get32(ip + 16), kClient);
  EXPECT_EQ(ip[20], 3);  // destination unreachable
  EXPECT_EQ(ip[21], 3);  // port unreachable
  EXPECT_TRUE(checksumValid(ip + 20, 8 + 28));
  EXPECT_EQ(0, std::memcmp(ip + 28 + 12, sent.data() + 14 + 12, 8)) << "quotes the datagram";
  EXPECT_TRUE(drain(int_.tx).empty());
}

// A new generation of the services (a live change): the flows of a real that is gone are kept
// or reset as the service says; flows of other reals never notice.
TEST_F(L4Test, LiveChangeKeepsOrResetsFlowsOfAGoneReal) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41000, 80}));
  const Bytes a = only(int_.tx);
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41001, 80}));
  EXPECT_EQ(drain(int_.tx).size(), 1u);
  const uint32_t real_of_a = get32(a.data() + 14 + 16);
  const size_t gone = real_of_a == ipv4("192.0.2.11") ? 0 : 1;

  auto next = std::make_unique<l4::Services>(std::vector<ServiceKey>{{kVip, 6, 80, 80, 0}});
  next->port_self_ip = services_->port_self_ip;
  next->timeouts = services_->timeouts;
  next->list = std::move(services_->list);
  next->list[0].reals[gone].gone = true;
  next->list[0].any_gone = true;
  ASSERT_TRUE(l4_->prepare(*next));
  services_ptr_.store(next.get());

  // keep (the default): the connection to the gone real goes on
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41000, 80, 6, 0x10}));
  EXPECT_EQ(drain(int_.tx).size(), 1u);

  next->list[0].reset_gone = true;
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41000, 80, 6, 0x10}));
  EXPECT_TRUE(drain(int_.tx).empty());
  const Bytes rst = only(ext_.tx);
  EXPECT_EQ(rst[14 + 33], 0x04);  // RST to the client
  EXPECT_EQ(l4_->service(0).resets.get(), 1u);
  EXPECT_EQ(l4_->flows().connections(), 1u);  // the other connection is untouched
  receive(ext_, frame(ext_.mac, {kClient, kVip, 41000, 80, 6, 0x10}));
  EXPECT_EQ(drops(0, DropReason::kL4NotSyn), 1u);  // the reset flow is gone
  services_ptr_.store(nullptr);
  services_ = std::move(next);
}

// A client reusing its port after its connection ended (here a reset; TIME_WAIT alike) opens a
// new connection: scheduled afresh, so a real marked down in between is not picked again.
TEST_F(L4Test, ANewSynOnAnEndedConnectionIsScheduledAgainAwayFromADownReal) {
  receive(ext_, frame(ext_.mac, {kClient, kVip, 42000, 80}));
  const Bytes first = only(int_.tx);
  const uint32_t real_of_first = get32(first.data() + 14 + 16);
  receive(ext_, frame(ext_.mac, {kClient, kVip, 42000, 80, 6, 0x04}));  // the client resets it
  EXPECT_EQ(drain(int_.tx).size(), 1u);
  const size_t down = real_of_first == ipv4("192.0.2.11") ? 0 : 1;

  auto next = std::make_unique<l4::Services>(std::vector<ServiceKey>{{kVip, 6, 80, 80, 0}});
  next->port_self_ip = services_->port_self_ip;
  next->timeouts = services_->timeouts;
  next->list = std::move(services_->list);
  next->list[0].reals[down].gone = true;  // its health check failed
  next->list[0].any_gone = true;
  ASSERT_TRUE(l4_->prepare(*next));
  services_ptr_.store(next.get());

  receive(ext_, frame(ext_.mac, {kClient, kVip, 42000, 80}));  // the same port, a new SYN
  const Bytes again = only(int_.tx);
  EXPECT_NE(get32(again.data() + 14 + 16), real_of_first) << "went to the real that is down";
  EXPECT_EQ(l4_->service(0).opened.get(), 2u);
  EXPECT_EQ(l4_->service(0).closed.get(), 1u);
  EXPECT_EQ(l4_->flows().connections(), 1u);
  services_ptr_.store(nullptr);
  services_ = std::move(next);
}

}  // namespace
}  // namespace vlb::dp
