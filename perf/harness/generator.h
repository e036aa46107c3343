// The generator/sink of vlb-pktgen: one lcore drives both ports.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "frames.h"
#include "harness_port.h"
#include "pktgen_options.h"

namespace vlb::harness {

struct Counters {
  uint64_t tx_test = 0;        // test packets sent on the client port
  uint64_t tx_reply = 0;       // answers sent on the server port
  uint64_t reply_dropped = 0;  // answers the server port did not take
  uint64_t rx_test[2] = {};    // [client, server]
  uint64_t rx_other[2] = {};   // not ours: the kernel twins' IPv6, multicast...
  uint64_t arp_answered[2] = {};
};

class Generator {
 public:
  enum Side { kClient = 0, kServer = 1 };
  enum class Phase { kIdle, kWarmup, kMeasure };

  Generator(const PktgenOptions& o, rte_mempool* pool, OpenPort client, OpenPort server);

  bool buildTemplate(const rte_ether_addr& dst_mac);
  // Resolves the clients' gateway by ARP within 10 s; meanwhile answers ARP on both sides.
  bool resolveGateway();
  // Runs `phase` for `seconds`: kIdle only receives (and answers ARP and replies); kWarmup sends,
  // and with replies on goes on until every flow has been answered (at most 60 s). Returns the
  // seconds it ran. `stop` ends it early (a signal).
  double run(Phase phase, double seconds, const volatile int* stop);

  void resetCounters() { c_ = {}; }
  const Counters& counters() const { return c_; }
  uint64_t flowsSeen() const;
  uint64_t unanswered() const { return answerable() ? o_.flows - answered_ : 0; }

 private:
  bool answerable() const { return o_.reply && !o_.new_flows; }
  uint8_t flagsFor(uint64_t flow) const;
  void transmit(double elapsed);
  void receive(Side side);
  void markAnswered(const uint8_t* frame);
  void onArp(Side side, const ArpView& arp);
  bool sendArp(Side side, uint16_t op, uint32_t src_ip, const rte_ether_addr& dst_mac,
               uint32_t target_ip);

  static constexpr uint16_t kBurst = 32;
  const PktgenOptions& o_;
  rte_mempool* pool_;
  OpenPort ports_[2];
  FrameTemplate template_{};
  std::optional<rte_ether_addr> gateway_mac_;
  uint64_t flow_space_ = 1;
  uint64_t seq_ = 0;
  uint64_t sent_in_phase_ = 0;
  Phase phase_ = Phase::kIdle;
  std::vector<uint64_t> answered_bits_;  // flows whose answer came back (reply mode)
  uint64_t answered_ = 0;
  rte_mbuf* pending_pkts_[kBurst];
  uint16_t pending_ = 0, first_pending_ = 0;
  Counters c_;
};

}  // namespace vlb::harness
