// The datapath worker with real DPDK: golden frames in, and what comes out of which port, the punt
// ring, and the counters are checked.
#include "datapath_fixture.h"

namespace vlb::dp {
namespace {

using WorkerTest = DatapathTest;

TEST_F(WorkerTest, RoutesToAResolvedNeighbourOutOfTheOtherPort) {
  auto in = Ipv4Frame().dstMac(ext_.mac).dst("192.0.2.11").ttl(64).build();
  receive(ext_, in);
  auto out = drain(int_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(drain(ext_.tx).empty());
  EXPECT_EQ(0, std::memcmp(out[0].data(), mac(0x11).bytes, 6));
  EXPECT_EQ(0, std::memcmp(out[0].data() + 6, int_.mac.bytes, 6));
  EXPECT_EQ(ipv4Ttl(out[0].data()), 63);
  EXPECT_TRUE(checksumValid(out[0].data() + kEthHeaderLen, 20));
  const size_t addrs = kEthHeaderLen + 12;  // from the source address on, nothing changes
  EXPECT_EQ(0, std::memcmp(out[0].data() + addrs, in.data() + addrs, in.size() - addrs));
  EXPECT_EQ(worker_->counters(0).forwarded.get(), 1u);
  EXPECT_EQ(worker_->counters(1).tx_packets.get(), 1u);
}

TEST_F(WorkerTest, PuntsArpSelfIpUnresolvedAndExpiringTtl) {
  auto arp = toExt();
  arp[12] = 0x08;
  arp[13] = 0x06;
  receive(ext_, arp);
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("198.51.100.1").build());
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("192.0.2.99").build());
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("192.0.2.11").ttl(1).build());
  EXPECT_EQ(drain(punt_).size(), 4u);
  EXPECT_TRUE(drain(int_.tx).empty());
  EXPECT_EQ(worker_->counters(0).punted.get(), 4u);
}

TEST_F(WorkerTest, DropsAreCountedByReason) {
  auto bad_sum = toExt();
  bad_sum[kEthHeaderLen + 10] ^= 1;
  receive(ext_, bad_sum);
  receive(ext_, std::vector<uint8_t>(8, 0));
  receive(ext_, Ipv4Frame().dstMac(mac(0x77)).build());
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("8.8.8.8").build());
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("203.0.113.9").build());
  EXPECT_EQ(drops(0, DropReason::kBadIpv4Checksum), 1u);
  EXPECT_EQ(drops(0, DropReason::kRunt), 1u);
  EXPECT_EQ(drops(0, DropReason::kNotForUs), 1u);
  EXPECT_EQ(drops(0, DropReason::kNoRoute), 1u);
  EXPECT_EQ(drops(0, DropReason::kBlackhole), 1u);
  EXPECT_TRUE(drain(punt_).empty());
  EXPECT_TRUE(drain(int_.tx).empty());
  EXPECT_EQ(worker_->counters(0).rx_packets.get(), 5u);
  EXPECT_EQ(rte_mempool_in_use_count(g_pool), 0u);  // every dropped mbuf went back
}

TEST_F(WorkerTest, FollowsADefaultRouteToItsGateway) {
  tables_.routes.push_back({0, 0, ipv4("198.51.100.254"), kExtTwin, RouteType::kUnicast});
  tables_.neighbours.push_back({ipv4("198.51.100.254"), kExtTwin, mac(0xfe), NeighbourState::kStale});
  publish();
  receive(int_, Ipv4Frame().dstMac(int_.mac).src("192.0.2.11").dst("8.8.8.8").build());
  receive(int_, Ipv4Frame().dstMac(int_.mac).src("192.0.2.11").dst("192.0.2.11").build());
  auto out = drain(ext_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(0, std::memcmp(out[0].data(), mac(0xfe).bytes, 6));
  EXPECT_EQ(drain(int_.tx).size(), 1u);  // more specific routes still win over the default
  EXPECT_EQ(worker_->counters(1).forwarded.get(), 2u);
}

TEST_F(WorkerTest, SendsWhatTheKernelInjectsOutOfItsPort) {
  rte_mbuf* m = mbufOf(Ipv4Frame().dstMac(mac(0x11)).build());
  m->port = int_.id;
  ASSERT_EQ(rte_ring_enqueue(inject_, m), 0);
  worker_->poll();
  EXPECT_EQ(drain(int_.tx).size(), 1u);
  EXPECT_EQ(worker_->counters(1).injected.get(), 1u);
}

// --- 802.1Q: VLAN sub-interfaces of the twins ---

constexpr int kExtVlan100 = 30, kIntVlan200 = 31;

class WorkerVlanTest : public DatapathTest {
 protected:
  void SetUp() override {
    DatapathTest::SetUp();
    tables_.vlans.push_back({kExtVlan100, kExtTwin, 100});
    tables_.vlans.push_back({kIntVlan200, kIntTwin, 200});
    tables_.routes.push_back({ipv4("203.0.113.64"), 26, 0, kIntVlan200, RouteType::kUnicast});
    tables_.routes.push_back({ipv4("203.0.113.128"), 26, 0, kExtVlan100, RouteType::kUnicast});
    tables_.addresses.push_back({ipv4("203.0.113.65"), 26, kIntVlan200});
    tables_.addresses.push_back({ipv4("203.0.113.129"), 26, kExtVlan100});
    tables_.neighbours.push_back({ipv4("203.0.113.70"), kIntVlan200, mac(0x70), NeighbourState::kReachable});
    publish();
  }

  // What the worker should send: `in` routed, with new MACs, TTL 63 and the given tag (or none).
  std::vector<uint8_t> routed(Ipv4Frame in, const MacAddr& from, const MacAddr& to) {
    auto out = in.dstMac(to).ttl(63).build();
    std::memcpy(out.data() + 6, from.bytes, 6);
    return out;
  }
};

TEST_F(WorkerVlanTest, ATaggedFrameIsRoutedToAnotherVlanWithTheTagRewritten) {
  receive(ext_, Ipv4Frame().vlan(100, 3).dstMac(ext_.mac).dst("203.0.113.70").ttl(64).build());
  const auto out = drain(int_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], routed(Ipv4Frame().vlan(200, 3).dst("203.0.113.70"), int_.mac, mac(0x70)));
  EXPECT_EQ(worker_->counters(0).forwarded.get(), 1u);
}

TEST_F(WorkerVlanTest, ATaggedFrameToAnUntaggedNetworkLosesItsTag) {
  receive(ext_, Ipv4Frame().vlan(100).dstMac(ext_.mac).dst("192.0.2.11").ttl(64).build());
  const auto out = drain(int_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], routed(Ipv4Frame().dst("192.0.2.11"), int_.mac, mac(0x11)));
}

TEST_F(WorkerVlanTest, AnUntaggedFrameToAVlanGetsItsTag) {
  receive(ext_, Ipv4Frame().dstMac(ext_.mac).dst("203.0.113.70").ttl(64).build());
  const auto out = drain(int_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], routed(Ipv4Frame().vlan(200).dst("203.0.113.70"), int_.mac, mac(0x70)));
}

TEST_F(WorkerVlanTest, AnUnknownVlanIsDroppedAndCounted) {
  receive(ext_, Ipv4Frame().vlan(300).dstMac(ext_.mac).dst("203.0.113.70").build());
  receive(ext_, Ipv4Frame().vlan(200).dstMac(ext_.mac).dst("203.0.113.70").build());  // int's VLAN
  EXPECT_EQ(drops(0, DropReason::kUnknownVlan), 2u);
  EXPECT_TRUE(drain(int_.tx).empty());
  EXPECT_TRUE(drain(punt_).empty());
  EXPECT_EQ(rte_mempool_in_use_count(g_pool), 0u);
}

TEST_F(WorkerVlanTest, TaggedFramesForTheKernelArePuntedUnchanged) {
  auto arp = Ipv4Frame().vlan(100).dstMac(ext_.mac).build();
  arp[16] = 0x08;
  arp[17] = 0x06;
  const auto to_self = Ipv4Frame().vlan(100).dstMac(ext_.mac).dst("203.0.113.129").build();
  receive(ext_, arp);
  receive(ext_, to_self);
  const auto punted = drain(punt_);
  ASSERT_EQ(punted.size(), 2u);
  EXPECT_EQ(punted[0], arp);
  EXPECT_EQ(punted[1], to_self);
}

TEST_F(WorkerVlanTest, TheKernelsTaggedFramesLeaveUnchanged) {
  const auto frame = Ipv4Frame().vlan(100).dstMac(mac(0x42)).dst("203.0.113.130").build();
  rte_mbuf* m = mbufOf(frame);
  m->port = ext_.id;
  ASSERT_EQ(rte_ring_enqueue(inject_, m), 0);
  worker_->poll();
  const auto out = drain(ext_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], frame);
}

TEST_F(WorkerVlanTest, AStrippedTagIsPutBackBeforeClassifying) {
  rte_mbuf* m = mbufOf(Ipv4Frame().dstMac(ext_.mac).dst("203.0.113.70").ttl(64).build());
  m->vlan_tci = 100;
  m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
  ASSERT_EQ(rte_ring_enqueue(ext_.rx, m), 0);
  worker_->poll();
  const auto out = drain(int_.tx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], routed(Ipv4Frame().vlan(200).dst("203.0.113.70"), int_.mac, mac(0x70)));
}

}  // namespace
}  // namespace vlb::dp
