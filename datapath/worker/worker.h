// A datapath lcore: polls its rx queue on every port, routes IPv4 with the published FIB, hands
// the rest to the control thread's punt ring, and transmits what the control thread injects.
// Per packet: no locks, no allocation, no logging; every drop is counted by reason.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "datapath/fib/fib.h"
#include "datapath/l4/l4_engine.h"
#include "datapath/worker/port_counters.h"
#include "datapath/worker/punt_doorbell.h"

namespace vlb::dp {

constexpr uint16_t kBurst = 32;
static_assert(kBurst <= l4::kMaxBurst);
// mbuf->hash.usr of a punted packet: 0 for frames the kernel twin takes as received; this for
// translated packets whose next hop is not resolved: the control thread sends them as the
// kernel's own (their source may be our address), so that the kernel resolves and routes them.
constexpr uint32_t kPuntToRoute = 0x564c4252;
constexpr size_t kMaxPorts = 16;

struct WorkerPort {
  uint16_t port_id;
  MacAddr mac;
};

struct WorkerSetup {
  unsigned index = 0;   // 0..n-1, also the RCU thread id and the queue on every port
  std::vector<WorkerPort> ports;  // datapath port index → DPDK port
  rte_ring* punt_ring = nullptr;  // to the control thread (single producer: this worker)
  rte_ring* inject_ring = nullptr;  // from the control thread; mbuf->port is the egress DPDK port
  PuntDoorbell* doorbell = nullptr;  // rung after punting, to wake the control thread (optional)
  const std::atomic<const Fib*>* fib = nullptr;
  rte_rcu_qsbr* rcu = nullptr;
  unsigned idle_sleep_us = 0;
  const std::atomic<bool>* stop = nullptr;
  l4::Engine* l4 = nullptr;  // this lcore's virtual services, or none
  const std::atomic<const l4::Services*>* services = nullptr;  // the published generation
  uint32_t aging_budget = 64;  // flow entries looked at per poll
  // Several datapath lcores: each one's inbound ring (multi-producer), by lcore index. Packets
  // of connections another lcore owns go there (datapath/l4/steering.h).
  std::vector<rte_ring*> handoff;
};

class Worker {
 public:
  explicit Worker(WorkerSetup setup);

  // The lcore's main loop; returns when `stop` is set.
  int run();

  // One pass over every port and the inject ring; returns the number of packets handled.
  // Exposed so that component tests can drive the worker without an lcore.
  unsigned poll();

  const PortCounters& counters(size_t port_index) const { return counters_[port_index]; }
  // Polls, and polls that found packets: their ratio is how busy the lcore is.
  uint64_t polls() const { return polls_.get(); }
  uint64_t busyPolls() const { return busy_polls_.get(); }

 private:
  // `steered`: the packets were handed over by another lcore (they stay here).
  void processBurst(const Fib* fib, const l4::Services* services, rte_mbuf** pkts, uint16_t n,
                    bool steered);
  // False when the packet went to another lcore (or was dropped on the way).
  bool keepOrHandOff(size_t in_port, rte_mbuf* m, const uint8_t* ip, const l4::Services& services);
  // A fragment that the L4 engine would route as it is; only those to a SNAT address are
  // looked at (fragment_relay.h).
  // True when the packet is gone: handed on to the next lcore, or dropped and counted.
  bool untranslatedFragment(size_t in_port, rte_mbuf* m, const uint8_t* ip,
                            const l4::Services& services, bool steered);
  unsigned drainHandoff(const Fib* fib, const l4::Services* services);
  void route(size_t in_port, const Fib& fib, rte_mbuf* m, uint32_t dst, bool translated);
  // Milliseconds of the TSC: the flow table's ticks.
  uint32_t now() const;
  unsigned drainInject();
  void queueTx(size_t out_port, rte_mbuf* m);
  void drop(size_t port, DropReason reason, rte_mbuf* m);
  void punt(size_t in_port, rte_mbuf* m, uint32_t mark);
  static void shift(rte_mbuf* m, ptrdiff_t delta);
  void flush();

  WorkerSetup setup_;
  std::vector<PortCounters> counters_;
  uint8_t port_index_of_id_[RTE_MAX_ETHPORTS];
  rte_mbuf* tx_[kMaxPorts][2 * kBurst];
  uint16_t tx_count_[kMaxPorts] = {};
  rte_mbuf* punt_[kBurst];
  uint8_t punt_in_[kBurst];  // ingress port index of each: the mbuf is not ours once queued
  uint16_t punt_count_ = 0;
  uint32_t now_ = 0;
  Counter polls_, busy_polls_;
  uint64_t ms_per_tsc_q32_ = 0;  // milliseconds per TSC cycle, in 32.32 fixed point
  // Datagrams to a SNAT address whose first fragment this lcore routed untranslated (the
  // kernel's own, e.g. a large DNS answer to a self IP): their later fragments follow it.
  l4::FragmentTable untranslated_;
};

}  // namespace vlb::dp
