// What the component tests share: EAL (started by component_main.cpp), ring-backed ethdev ports,
// and a fixture with two of them ("ext" and "int"), the exception rings, a FIB from kernel-like
// tables and a Worker driven by hand with poll().
#pragma once

#include <gtest/gtest.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../unit/packet_builder.h"
#include "datapath/packet/checksum.h"
#include "datapath/port/port.h"
#include "datapath/worker/worker.h"

namespace vlb::dp {

extern rte_mempool* g_pool;  // component_main.cpp

using test::ipv4;
using test::Ipv4Frame;
using test::mac;

constexpr int kExtTwin = 10, kIntTwin = 11;

struct RingPort {
  rte_ring* rx;  // what the test puts in: the port receives it
  rte_ring* tx;  // what the port sent
  uint16_t id;
  MacAddr mac;
};

// An ethdev over `queues` rx and tx rings (queue q reads rx[q], sends into tx[q]), started as the
// datapath starts its ports; its port id.
inline uint16_t startRingPort(const std::string& name, rte_ring** rx, rte_ring** tx,
                              unsigned queues) {
  const int created = rte_eth_from_rings(name.c_str(), rx, queues, tx, queues, SOCKET_ID_ANY);
  EXPECT_GE(created, 0);
  char device[RTE_ETH_NAME_MAX_LEN] = {};
  rte_eth_dev_get_name_by_port(uint16_t(created), device);  // the ring PMD adds its own prefix
  PortSetup setup;
  setup.devargs = device;
  setup.pool = g_pool;
  setup.queues = uint16_t(queues);
  std::string error;
  auto id = startPort(setup, &error);
  EXPECT_TRUE(id) << error;
  return id.value_or(0);
}

inline RingPort makePort(const std::string& name) {
  RingPort p{};
  p.rx = rte_ring_create((name + "_rx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  p.tx = rte_ring_create((name + "_tx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  p.id = startRingPort(name, &p.rx, &p.tx, 1);
  p.mac = portMac(p.id);
  return p;
}

class DatapathTest : public ::testing::Test {
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
    setup.l4 = l4_.get();
    setup.services = &services_ptr_;
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

  // The one frame `r` holds (a zero frame, after a failed expectation, when it holds another count).
  static std::vector<uint8_t> only(rte_ring* r) {
    auto out = drain(r);
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? std::vector<uint8_t>(80, 0) : out[0];
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
  std::unique_ptr<l4::Engine> l4_;  // set by a derived fixture before SetUp() builds the worker
  std::atomic<const l4::Services*> services_ptr_{nullptr};  // the generation the worker reads
};


}  // namespace vlb::dp
