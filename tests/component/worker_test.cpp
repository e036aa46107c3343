// The datapath worker with real DPDK: EAL without hugepages, two ring-backed ethdev ports, the
// rte_lpm FIB. Golden frames go in; what comes out of which port, the punt ring, and the counters
// are checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstring>
#include <string>
#include <vector>

#include "../unit/packet_builder.h"
#include "datapath/packet/checksum.h"
#include "datapath/port/port.h"
#include "datapath/worker/worker.h"

namespace vlb::dp {
namespace {

using test::ipv4;
using test::Ipv4Frame;
using test::mac;

constexpr int kExtTwin = 10, kIntTwin = 11;
rte_mempool* g_pool = nullptr;

struct RingPort {
  rte_ring* rx;  // what the test puts in: the port receives it
  rte_ring* tx;  // what the port sent
  uint16_t id;
  MacAddr mac;
};

RingPort makePort(const std::string& name) {
  RingPort p{};
  p.rx = rte_ring_create((name + "_rx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  p.tx = rte_ring_create((name + "_tx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  const int created = rte_eth_from_rings(name.c_str(), &p.rx, 1, &p.tx, 1, SOCKET_ID_ANY);
  EXPECT_GE(created, 0);
  char device[RTE_ETH_NAME_MAX_LEN] = {};
  rte_eth_dev_get_name_by_port(uint16_t(created), device);  // the ring PMD adds its own prefix
  PortSetup setup;
  setup.devargs = device;
  setup.pool = g_pool;
  std::string error;
  auto id = startPort(setup, &error);
  EXPECT_TRUE(id) << error;
  p.id = id.value_or(0);
  p.mac = portMac(p.id);
  return p;
}

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int instance = 0;
    const std::string n = std::to_string(instance++);
    ext_ = makePort("ext" + n);
    int_ = makePort("int" + n);
    punt_ = rte_ring_create(("punt" + n).c_str(), 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
    inject_ = rte_ring_create(("inject" + n).c_str(), 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
    rcu_ = static_cast<rte_rcu_qsbr*>(aligned_alloc(64, (rte_rcu_qsbr_get_memsize(1) + 63) / 64 * 64));
    rte_rcu_qsbr_init(rcu_, 1);

    tables_.routes.push_back({ipv4("198.51.100.0"), 24, 0, kExtTwin, RouteType::kUnicast});
    tables_.routes.push_back({ipv4("192.0.2.0"), 24, 0, kIntTwin, RouteType::kUnicast});
    tables_.routes.push_back({ipv4("203.0.113.0"), 24, 0, 0, RouteType::kBlackhole});
    tables_.addresses.push_back({ipv4("198.51.100.1"), 24, kExtTwin});
    tables_.neighbours.push_back({ipv4("192.0.2.11"), kIntTwin, mac(0x11), NeighbourState::kReachable});
    publish();

    WorkerSetup setup;
    setup.ports = {{ext_.id, ext_.mac}, {int_.id, int_.mac}};
    setup.punt_ring = punt_;
    setup.inject_ring = inject_;
    setup.fib = &fib_;
    setup.rcu = rcu_;
    setup.stop = &stop_;
    worker_ = std::make_unique<Worker>(setup);
  }

  // Builds the FIB from `tables_` and hands it to the worker (no lcores run: no RCU wait).
  void publish() {
    const auto plan = planFib(tables_, [](int ifindex) -> std::optional<uint16_t> {
      if (ifindex == kExtTwin) return 0;
      if (ifindex == kIntTwin) return 1;
      return std::nullopt;
    });
    std::string error;
    auto fib = Fib::build(plan, &error);
    ASSERT_TRUE(fib) << error;
    fib_.store(fib.get());
    fib_holder_ = std::move(fib);
  }

  void TearDown() override {
    for (auto* r : {punt_, inject_, ext_.tx, int_.tx}) drain(r);
    stopPort(ext_.id);
    stopPort(int_.id);
    free(rcu_);
  }

  rte_mbuf* mbufOf(const std::vector<uint8_t>& frame) {
    rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
    std::memcpy(rte_pktmbuf_append(m, uint16_t(frame.size())), frame.data(), frame.size());
    return m;
  }

  void receive(RingPort& port, const std::vector<uint8_t>& frame) {
    ASSERT_EQ(rte_ring_enqueue(port.rx, mbufOf(frame)), 0);
    worker_->poll();
  }

  static std::vector<std::vector<uint8_t>> drain(rte_ring* r) {
    std::vector<std::vector<uint8_t>> out;
    void* obj;
    while (rte_ring_dequeue(r, &obj) == 0) {
      auto* m = static_cast<rte_mbuf*>(obj);
      const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
      out.emplace_back(d, d + m->data_len);
      rte_pktmbuf_free(m);
    }
    return out;
  }

  std::vector<uint8_t> toExt() { return Ipv4Frame().dstMac(ext_.mac).build(); }
  uint64_t drops(size_t port, DropReason r) { return worker_->counters(port).drops[size_t(r)].get(); }

  KernelTables tables_;
  RingPort ext_, int_;
  rte_ring *punt_ = nullptr, *inject_ = nullptr;
  rte_rcu_qsbr* rcu_ = nullptr;
  std::unique_ptr<Fib> fib_holder_;
  std::atomic<const Fib*> fib_{nullptr};
  std::atomic<bool> stop_{false};
  std::unique_ptr<Worker> worker_;
};

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

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const std::string prefix = "--file-prefix=vlb-component-" + std::to_string(getpid());
  std::vector<std::string> args = {"worker_test", "--no-huge", "--no-pci", "--no-shconf",
                                   "--no-telemetry", "-m", "256", "--log-level=warning", prefix};
  std::vector<char*> eal_argv;
  for (auto& a : args) eal_argv.push_back(a.data());
  if (rte_eal_init(int(eal_argv.size()), eal_argv.data()) < 0) return 1;
  vlb::dp::g_pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (!vlb::dp::g_pool) return 1;
  const int rc = RUN_ALL_TESTS();
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());
  return rc;
}
