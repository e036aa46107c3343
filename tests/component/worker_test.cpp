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

}  // namespace
}  // namespace vlb::dp
