#include "datapath/worker/worker.h"

#include <algorithm>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "datapath/packet/frame.h"

namespace vlb::dp {

Worker::Worker(WorkerSetup setup) : setup_(std::move(setup)), counters_(setup_.ports.size()) {
  ms_per_tsc_q32_ = (uint64_t(1000) << 32) / std::max<uint64_t>(1, rte_get_tsc_hz());
  for (auto& i : port_index_of_id_) i = 0;
  for (size_t i = 0; i < setup_.ports.size(); ++i)
    port_index_of_id_[setup_.ports[i].port_id] = uint8_t(i);
}

int Worker::run() {
  rte_rcu_qsbr_thread_online(setup_.rcu, setup_.index);
  unsigned empty_polls = 0;
  while (!setup_.stop->load(std::memory_order_relaxed)) {
    const unsigned handled = poll();
    rte_rcu_qsbr_quiescent(setup_.rcu, setup_.index);
    if (handled) {
      empty_polls = 0;
    } else if (setup_.idle_sleep_us && ++empty_polls > 64) {
      // Offline while asleep, so that publishing a new FIB does not wait for the nap.
      rte_rcu_qsbr_thread_offline(setup_.rcu, setup_.index);
      rte_delay_us_sleep(setup_.idle_sleep_us);
      rte_rcu_qsbr_thread_online(setup_.rcu, setup_.index);
    }
  }
  rte_rcu_qsbr_thread_offline(setup_.rcu, setup_.index);
  return 0;
}

// A multiplication rather than a division on every poll.
uint32_t Worker::now() const {
  return uint32_t((unsigned __int128)rte_get_tsc_cycles() * ms_per_tsc_q32_ >> 32);
}

unsigned Worker::poll() {
  unsigned handled = 0;
  const Fib* fib = setup_.fib->load(std::memory_order_acquire);
  now_ = now();
  if (setup_.l4) setup_.l4->age(now_, setup_.aging_budget);
  for (size_t p = 0; p < setup_.ports.size(); ++p) {
    rte_mbuf* pkts[kBurst];
    const uint16_t n = rte_eth_rx_burst(setup_.ports[p].port_id, setup_.index, pkts, kBurst);
    if (n == 0) continue;
    processBurst(p, fib, pkts, n);
    handled += n;
    flush();
  }
  handled += drainInject();
  flush();
  return handled;
}

void Worker::processBurst(size_t in_port, const Fib* fib, rte_mbuf** pkts, uint16_t n) {
  PortCounters& in = counters_[in_port];
  const MacAddr& in_mac = setup_.ports[in_port].mac;
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < n; ++i) {
    if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void*));
    rte_mbuf* m = pkts[i];
    bytes += m->pkt_len;
    uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
    const FrameVerdict v = classifyFrame(frame, m->data_len, in_mac);
    if (v.kind == FrameKind::kDrop) {
      drop(in_port, v.drop, m);
      continue;
    }
    // Until the first FIB is published, the kernel routes everything.
    if (v.kind == FrameKind::kIpv4 && fib) {
      uint32_t dst = v.ipv4_dst;
      bool translated = false;
      if (setup_.l4) {
        uint8_t* ip = frame + kEthHeaderLen;
        const l4::Verdict l4v = setup_.l4->process(ip, size_t(ip[2] << 8 | ip[3]), now_, *fib);
        if (l4v.outcome == l4::Outcome::kDrop) {
          drop(in_port, l4v.drop, m);
          continue;
        }
        translated = l4v.outcome == l4::Outcome::kForward;
        if (translated) dst = l4v.dst;
      }
      const Adjacency* adj = fib->lookup(dst);
      if (!adj || adj->kind == Adjacency::Kind::kDrop) {
        drop(in_port, adj ? DropReason::kBlackhole : DropReason::kNoRoute, m);
        continue;
      }
      if (translated && adj->kind != Adjacency::Kind::kForward) {
        punt(in_port, m, kPuntToRoute);
        continue;
      }
      // Expiring TTLs go to the kernel, which answers with ICMP time exceeded.
      if (adj->kind == Adjacency::Kind::kForward && ipv4Ttl(frame) > 1) {
        rewriteForwarded(frame, setup_.ports[adj->port].mac, adj->dst_mac);
        in.forwarded.add(1);
        queueTx(adj->port, m);
        continue;
      }
    }
    punt(in_port, m, 0);
  }
  in.rx_packets.add(n);
  in.rx_bytes.add(bytes);
}

unsigned Worker::drainInject() {
  rte_mbuf* pkts[kBurst];
  const unsigned n = rte_ring_dequeue_burst(setup_.inject_ring, reinterpret_cast<void**>(pkts),
                                            kBurst, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    const size_t out = port_index_of_id_[pkts[i]->port];
    counters_[out].injected.add(1);
    queueTx(out, pkts[i]);
  }
  return n;
}

void Worker::queueTx(size_t out_port, rte_mbuf* m) {
  if (tx_count_[out_port] == 2 * kBurst) flush();
  tx_[out_port][tx_count_[out_port]++] = m;
}

void Worker::punt(size_t in_port, rte_mbuf* m, uint32_t mark) {
  m->hash.usr = mark;
  punt_in_[punt_count_] = uint8_t(in_port);
  punt_[punt_count_++] = m;
}

void Worker::drop(size_t port, DropReason reason, rte_mbuf* m) {
  counters_[port].drops[size_t(reason)].add(1);
  rte_pktmbuf_free(m);
}

void Worker::flush() {
  for (size_t p = 0; p < setup_.ports.size(); ++p) {
    const uint16_t n = tx_count_[p];
    if (n == 0) continue;
    tx_count_[p] = 0;
    uint64_t bytes = 0;
    for (uint16_t i = 0; i < n; ++i) bytes += tx_[p][i]->pkt_len;
    const uint16_t sent = rte_eth_tx_burst(setup_.ports[p].port_id, setup_.index, tx_[p], n);
    for (uint16_t i = sent; i < n; ++i) {
      bytes -= tx_[p][i]->pkt_len;
      drop(p, DropReason::kTxFull, tx_[p][i]);
    }
    counters_[p].tx_packets.add(sent);
    counters_[p].tx_bytes.add(bytes);
  }
  if (punt_count_) {
    const unsigned queued = rte_ring_enqueue_burst(
        setup_.punt_ring, reinterpret_cast<void**>(punt_), punt_count_, nullptr);
    for (unsigned i = 0; i < punt_count_; ++i) {
      const size_t in = punt_in_[i];
      if (i < queued)
        counters_[in].punted.add(1);
      else
        drop(in, DropReason::kPuntRingFull, punt_[i]);
    }
    punt_count_ = 0;
  }
}

}  // namespace vlb::dp
