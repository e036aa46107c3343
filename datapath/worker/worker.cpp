#include "datapath/worker/worker.h"

#include <algorithm>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "datapath/l4/steering.h"
#include "datapath/packet/bytes.h"
#include "datapath/packet/frame.h"
#include "datapath/packet/ipv4_fragment.h"
#include "datapath/worker/fragment_relay.h"

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
    polls_.add(1);
    if (handled) busy_polls_.add(1);
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
  const l4::Services* services =
      setup_.l4 && setup_.services ? setup_.services->load(std::memory_order_acquire) : nullptr;
  now_ = now();
  if (services) setup_.l4->age(now_, setup_.aging_budget, *services);
  for (size_t p = 0; p < setup_.ports.size(); ++p) {
    rte_mbuf* pkts[kBurst];
    const uint16_t n = rte_eth_rx_burst(setup_.ports[p].port_id, setup_.index, pkts, kBurst);
    if (n == 0) continue;
    uint64_t bytes = 0;
    for (uint16_t i = 0; i < n; ++i) {
      bytes += pkts[i]->pkt_len;
      pkts[i]->port = setup_.ports[p].port_id;
    }
    counters_[p].rx_packets.add(n);
    counters_[p].rx_bytes.add(bytes);
    processBurst(fib, services, pkts, n, false);
    handled += n;
    flush();
  }
  if (setup_.handoff.size() > 1) handled += drainHandoff(fib, services);
  handled += drainInject();
  flush();
  return handled;
}

unsigned Worker::drainHandoff(const Fib* fib, const l4::Services* services) {
  rte_mbuf* pkts[kBurst];
  const unsigned n = rte_ring_sc_dequeue_burst(setup_.handoff[setup_.index],
                                               reinterpret_cast<void**>(pkts), kBurst, nullptr);
  if (n) {
    processBurst(fib, services, pkts, uint16_t(n), true);
    flush();
  }
  return n;
}

// The connection's owner is another lcore: hand the packet over. A later fragment to a SNAT
// address (kEveryLcore) stays: it is tried here first, then handed round (fragment_relay.h).
bool Worker::keepOrHandOff(size_t in_port, rte_mbuf* m, const uint8_t* ip,
                           const l4::Services& services) {
  const uint32_t lcores = uint32_t(setup_.handoff.size());
  const uint32_t owner = l4::owningLcore(ip, size_t(ip[2] << 8 | ip[3]), services, lcores);
  m->hash.usr = 0;
  if (owner == l4::kAnyLcore || owner == l4::kEveryLcore || owner == setup_.index) return true;
  if (rte_ring_mp_enqueue(setup_.handoff[owner], m) != 0) {
    drop(in_port, DropReason::kHandoffFull, m);
    return false;
  }
  counters_[in_port].handed_off.add(1);
  return false;
}

bool Worker::untranslatedFragment(size_t in_port, rte_mbuf* m, const uint8_t* ip,
                                  const l4::Services& services, bool steered) {
  const uint32_t dst = load32(ip + 16);
  if (!l4::inSorted(services.snat_addresses, dst)) return false;
  if (!isLaterIpv4Fragment(ip)) {
    untranslated_.remember(ip, {load32(ip + 12), dst, 0, 0}, now_);
    return false;
  }
  NatTuple as_is;
  if (untranslated_.find(ip, now_, &as_is)) return false;
  // Not this lcore's datagram: the next lcore of the round tries it, or it is lost.
  const uint32_t origin = steered && isFragmentRelay(m->hash.usr) ? fragmentRelayOrigin(m->hash.usr)
                                                                  : setup_.index;
  const uint32_t next = nextInRound(setup_.index, origin, uint32_t(setup_.handoff.size()));
  if (next == kRoundOver) {
    drop(in_port, DropReason::kFragmentUnknown, m);
    return true;
  }
  m->hash.usr = fragmentRelayMark(origin);
  if (rte_ring_mp_enqueue(setup_.handoff[next], m) != 0) {
    drop(in_port, DropReason::kHandoffFull, m);
    return true;
  }
  counters_[in_port].handed_off.add(1);
  return true;
}

// Three passes over a burst: frames checked (and, with several lcores, handed to the lcore
// owning their connection); the L4 engine's look at the IPv4 ones (its flow lookups overlap);
// each packet routed.
void Worker::processBurst(const Fib* fib, const l4::Services* services, rte_mbuf** pkts,
                          uint16_t n, bool steered) {
  uint32_t dst[kBurst];
  uint8_t in_port[kBurst];
  bool ipv4[kBurst];
  l4::BurstPacket l4_pkts[kBurst];
  l4::Verdict l4_verdicts[kBurst];
  uint16_t l4_count = 0;
  const bool steer = !steered && services && setup_.handoff.size() > 1;
  for (uint16_t i = 0; i < n; ++i) {
    if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void*));
    in_port[i] = port_index_of_id_[pkts[i]->port];
    // A PMD that took the tag out of the frame: put it back, the datapath reads tags in-band.
    if ((pkts[i]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) && rte_vlan_insert(&pkts[i]) != 0) {
      drop(in_port[i], DropReason::kNoHeadroom, pkts[i]);
      pkts[i] = nullptr;
      continue;
    }
    rte_mbuf* m = pkts[i];
    uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
    const FrameVerdict v = classifyFrame(frame, m->data_len, setup_.ports[in_port[i]].mac);
    ipv4[i] = false;
    if (v.kind == FrameKind::kDrop) {
      drop(in_port[i], v.drop, m);
      pkts[i] = nullptr;
      continue;
    }
    // A tag no VLAN of the port has: nobody would take it (the kernel would drop it too).
    if (v.vlan && fib && !fib->vlanKnown(in_port[i], v.vlan)) {
      drop(in_port[i], DropReason::kUnknownVlan, m);
      pkts[i] = nullptr;
      continue;
    }
    // Until the first FIB is published, the kernel routes everything.
    if (v.kind != FrameKind::kIpv4 || !fib) continue;
    uint8_t* ip = frame + v.l3_offset;
    if (steer && !keepOrHandOff(in_port[i], m, ip, *services)) {
      pkts[i] = nullptr;
      continue;
    }
    ipv4[i] = true;
    dst[i] = v.ipv4_dst;
    if (services) {
      const size_t room = rte_pktmbuf_tailroom(m) + m->data_len - v.l3_offset;
      l4_pkts[l4_count++] = {ip, uint16_t(ip[2] << 8 | ip[3]), uint16_t(std::min<size_t>(room, 0xffff))};
    }
  }
  if (l4_count) setup_.l4->processBurst(l4_pkts, l4_count, now_, *fib, *services, l4_verdicts);

  uint16_t l4_next = 0;
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    if (!m) continue;
    if (!ipv4[i]) {
      punt(in_port[i], m, 0);
      continue;
    }
    bool translated = false;
    if (services) {
      const l4::Verdict& l4v = l4_verdicts[l4_next];
      const uint8_t* ip = l4_pkts[l4_next++].ip;
      if (l4v.outcome == l4::Outcome::kNotMine && isIpv4Fragment(ip) &&
          untranslatedFragment(in_port[i], m, ip, *services, steered))
        continue;
      if (l4v.outcome == l4::Outcome::kDrop) {
        drop(in_port[i], l4v.drop, m);
        continue;
      }
      if (l4v.outcome == l4::Outcome::kToKernel) {
        punt(in_port[i], m, 0);
        continue;
      }
      translated = l4v.outcome == l4::Outcome::kForward;
      if (translated) dst[i] = l4v.dst;
      if (l4v.len) {  // the engine answered in place: the frame takes the answer's length
        if (m->nb_segs > 1) {
          rte_pktmbuf_free(m->next);
          m->next = nullptr;
          m->nb_segs = 1;
        }
        m->data_len = uint16_t(l3OffsetOf(rte_pktmbuf_mtod(m, uint8_t*)) + l4v.len);
        m->pkt_len = m->data_len;
      }
    }
    route(in_port[i], *fib, m, dst[i], translated);
  }
}

void Worker::route(size_t in_port, const Fib& fib, rte_mbuf* m, uint32_t dst, bool translated) {
  uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
  const Adjacency* adj = fib.lookup(dst);
  if (!adj || adj->kind == Adjacency::Kind::kDrop) {
    drop(in_port, adj ? DropReason::kBlackhole : DropReason::kNoRoute, m);
    return;
  }
  const size_t l3 = l3OffsetOf(frame);
  if (translated && adj->kind != Adjacency::Kind::kForward) {
    // The control thread sends it as an IP packet: the tag (if any) has no meaning there.
    if (l3 != kEthHeaderLen) shift(m, popVlanTag(frame) - frame);
    punt(in_port, m, kPuntToRoute);
    return;
  }
  // Expiring TTLs go to the kernel, which answers with ICMP time exceeded.
  if (adj->kind == Adjacency::Kind::kForward && ipv4Ttl(frame, l3) > 1) {
    const bool push = adj->vlan && l3 == kEthHeaderLen;
    if (push && rte_pktmbuf_headroom(m) < kVlanTagLen) {
      drop(in_port, DropReason::kNoHeadroom, m);
      return;
    }
    uint8_t* start =
        rewriteForwardedVlan(frame, l3, adj->vlan, setup_.ports[adj->port].mac, adj->dst_mac);
    shift(m, start - frame);
    counters_[in_port].forwarded.add(1);
    queueTx(adj->port, m);
    return;
  }
  punt(in_port, m, 0);
}

// The frame now starts `delta` bytes later (a tag popped) or earlier (pushed).
void Worker::shift(rte_mbuf* m, ptrdiff_t delta) {
  m->data_off = uint16_t(m->data_off + delta);
  m->data_len = uint16_t(m->data_len - delta);
  m->pkt_len = uint32_t(m->pkt_len - delta);
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
    if (queued && setup_.doorbell) setup_.doorbell->ring();
  }
}

}  // namespace vlb::dp
