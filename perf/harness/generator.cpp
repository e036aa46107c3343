#include "generator.h"

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include <algorithm>
#include <cstdio>

namespace vlb::harness {
namespace {

constexpr double kArpRetrySeconds = 0.2;
constexpr double kResolveTimeout = 10;

}  // namespace

Generator::Generator(const PktgenOptions& o, rte_mempool* pool, OpenPort client, OpenPort server)
    : o_(o), pool_(pool), ports_{client, server} {
  flow_space_ = o.new_flows ? uint64_t(o.clients.size()) * kSourcePorts : o.flows;
  if (answerable()) answered_bits_.assign((o.flows + 63) / 64, 0);
}

bool Generator::buildTemplate(const rte_ether_addr& dst_mac) {
  const TemplateSpec spec{ports_[kClient].mac, dst_mac,  o_.dst_ip,
                          o_.dst_port,         o_.proto, uint16_t(o_.frame_size - 4)};
  return makeTemplate(spec, &template_);
}

bool Generator::resolveGateway() {
  const uint64_t start = rte_rdtsc();
  uint64_t last_ask = 0;
  while (!gateway_mac_) {
    const uint64_t now = rte_rdtsc();
    if (secondsBetween(start, now) > kResolveTimeout) return false;
    if (last_ask == 0 || secondsBetween(last_ask, now) > kArpRetrySeconds) {
      sendArp(kClient, RTE_ARP_OP_REQUEST, o_.clients.first, {}, *o_.gateway);
      last_ask = now;
    }
    receive(kClient);
    receive(kServer);
  }
  return buildTemplate(*gateway_mac_);
}

double Generator::run(Phase phase, double seconds, const volatile int* stop) {
  phase_ = phase;
  sent_in_phase_ = 0;
  const uint64_t start = rte_rdtsc();
  const bool until_answered = phase == Phase::kWarmup && answerable();
  double elapsed = 0, next_report = 1;
  uint64_t reported = 0;
  while (!*stop) {
    elapsed = secondsBetween(start, rte_rdtsc());
    if (elapsed >= seconds && (!until_answered || answered_ == o_.flows || elapsed >= kMaxDuration))
      break;
    if (o_.progress && phase == Phase::kMeasure && elapsed >= next_report) {
      const uint64_t out = c_.rx_test[kClient] + c_.rx_test[kServer];
      std::fprintf(stderr, "vlb-pktgen: %.0f s: %.2f Mpps through\n", next_report,
                   double(out - reported) / 1e6);
      reported = out;
      next_report += 1;
    }
    if (phase != Phase::kIdle) transmit(elapsed);
    receive(kClient);
    receive(kServer);
  }
  return elapsed;
}

uint64_t Generator::flowsSeen() const {
  return o_.new_flows ? std::min<uint64_t>(seq_, flow_space_) : o_.flows;
}

// TCP as a client would: SYN until the flow was answered (warm-up), then ACK. New flows: SYNs.
uint8_t Generator::flagsFor(uint64_t flow) const {
  if (o_.proto != kProtoTcp) return 0;
  if (o_.new_flows) return kTcpSyn;
  if (phase_ == Phase::kMeasure) return kTcpAck;
  if (!answerable()) return kTcpSyn;
  return answered_bits_[flow / 64] >> (flow % 64) & 1 ? kTcpAck : kTcpSyn;
}

void Generator::transmit(double elapsed) {
  if (pending_ == 0) {
    uint64_t budget = kBurst;
    if (o_.rate_pps > 0) {
      const double due = elapsed * o_.rate_pps - double(sent_in_phase_);
      budget = due < 1 ? 0 : std::min<uint64_t>(kBurst, uint64_t(due));
    }
    if (budget == 0 || rte_pktmbuf_alloc_bulk(pool_, pending_pkts_, unsigned(budget)) != 0) return;
    for (uint64_t i = 0; i < budget; ++i) {
      const uint64_t flow = seq_++ % flow_space_;
      const uint32_t ip = o_.clients.first + uint32_t(flow % o_.clients.size());
      const uint16_t port = uint16_t(kFirstSourcePort + flow / o_.clients.size());
      rte_mbuf* m = pending_pkts_[i];
      stampFrame(template_, rte_pktmbuf_mtod(m, uint8_t*), ip, port, flagsFor(flow));
      m->data_len = m->pkt_len = template_.len;
    }
    pending_ = uint16_t(budget);
    first_pending_ = 0;
  }
  // What the port does not take now goes first next time: the flows keep their order.
  const uint16_t sent =
      rte_eth_tx_burst(ports_[kClient].id, 0, pending_pkts_ + first_pending_, pending_);
  first_pending_ = uint16_t(first_pending_ + sent);
  pending_ = uint16_t(pending_ - sent);
  c_.tx_test += sent;
  sent_in_phase_ += sent;
}

void Generator::receive(Side side) {
  rte_mbuf* pkts[kBurst];
  const uint16_t n = rte_eth_rx_burst(ports_[side].id, 0, pkts, kBurst);
  if (n == 0) return;
  rte_mbuf* done[kBurst];
  rte_mbuf* answers[kBurst];
  uint16_t n_done = 0, n_answers = 0;
  const bool answer = o_.reply && side == kServer;
  const bool mark = side == kClient && phase_ == Phase::kWarmup && answerable();
  for (uint16_t i = 0; i < n; ++i) {
    uint8_t* frame = rte_pktmbuf_mtod(pkts[i], uint8_t*);
    const uint16_t len = pkts[i]->data_len;
    ArpView arp;
    if (isTestFrame(frame, len, o_.proto)) {
      ++c_.rx_test[side];
      if (mark) markAnswered(frame);
      if (answer) {
        turnAround(frame, ports_[side].mac);
        answers[n_answers++] = pkts[i];
        continue;
      }
    } else if (parseArp(frame, len, &arp)) {
      onArp(side, arp);
    } else {
      ++c_.rx_other[side];
    }
    done[n_done++] = pkts[i];
  }
  if (n_done) rte_pktmbuf_free_bulk(done, n_done);
  if (n_answers == 0) return;
  const uint16_t sent = rte_eth_tx_burst(ports_[side].id, 0, answers, n_answers);
  c_.tx_reply += sent;
  c_.reply_dropped += n_answers - sent;
  if (sent < n_answers) rte_pktmbuf_free_bulk(answers + sent, n_answers - sent);
}

// An answer reaches the client port addressed to the flow's source: that names the flow.
void Generator::markAnswered(const uint8_t* frame) {
  uint32_t ip;
  uint16_t port;
  readDestination(frame, &ip, &port);
  if (!o_.clients.contains(ip) || port < kFirstSourcePort) return;
  const uint64_t flow =
      uint64_t(port - kFirstSourcePort) * o_.clients.size() + (ip - o_.clients.first);
  if (flow >= o_.flows) return;
  uint64_t& word = answered_bits_[flow / 64];
  const uint64_t bit = uint64_t(1) << (flow % 64);
  if (word & bit) return;
  word |= bit;
  ++answered_;
}

void Generator::onArp(Side side, const ArpView& arp) {
  if (side == kClient && o_.gateway && arp.sender_ip == *o_.gateway && !gateway_mac_)
    gateway_mac_ = arp.sender_mac;
  const AddressRange& mine = side == kClient ? o_.clients : o_.servers;
  if (arp.op != RTE_ARP_OP_REQUEST || !mine.contains(arp.target_ip)) return;
  if (sendArp(side, RTE_ARP_OP_REPLY, arp.target_ip, arp.sender_mac, arp.sender_ip))
    ++c_.arp_answered[side];
}

bool Generator::sendArp(Side side, uint16_t op, uint32_t src_ip, const rte_ether_addr& dst_mac,
                        uint32_t target_ip) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool_);
  if (!m) return false;
  writeArp(rte_pktmbuf_mtod(m, uint8_t*), op, ports_[side].mac, src_ip, dst_mac, target_ip);
  m->data_len = m->pkt_len = kArpFrameLen;
  if (rte_eth_tx_burst(ports_[side].id, 0, &m, 1) == 1) return true;
  rte_pktmbuf_free(m);
  return false;
}

}  // namespace vlb::harness
