// One datapath lcore's L4 virtual services, static NATs and forwarding services: its own flow
// table, SNAT ports and scheduler state. For each IPv4 packet it decides: none of theirs (route it
// as it is), translated (route it to its new destination), answered (a TCP reset or ICMP
// unreachable, built in place, routed back to the sender), or dropped for a named reason. No
// locks, no allocation per packet.
//
// The services come with each call (the generation the worker loaded for this poll): they change
// live. Precedence: an established flow, then a virtual service (VIP, protocol, port), then a
// static NAT (destination public, or source private: stateless), then a forwarding service
// (source prefix; SNAT opens a flow), then plain routing. Before publishing a generation the
// control thread calls prepare() on every engine, which gives new service slots their per-lcore
// state; slots are never taken back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "datapath/fib/fib.h"
#include "datapath/flow/flow_table.h"
#include "datapath/flow/snat_ports.h"
#include "datapath/l4/fragments.h"
#include "datapath/l4/l4_services.h"
#include "datapath/l4/persistence.h"
#include "datapath/packet/drop_reason.h"
#include "datapath/worker/port_counters.h"

namespace vlb::dp::l4 {

constexpr size_t kMaxBurst = 32;  // packets per processBurst call

struct alignas(64) ServiceCounters {
  Counter packets_in, bytes_in;    // client → real
  Counter packets_out, bytes_out;  // real → client
  Counter opened, closed;          // connections; active = opened - closed
  Counter refused;                 // new flows answered with a reset/unreachable: no real up
  Counter resets;                  // flows to a gone real reset (policy "reset")
};

// Per lcore, written by its lcore only: no false sharing to avoid between reals.
struct RealCounters {
  Counter opened, closed;
  Counter packets_in, bytes_in;    // client → real
  Counter packets_out, bytes_out;  // real → client
};

// Plain values, for summing the lcores' counters on read (as PortCountersSnapshot).
struct ServiceTotals {
  uint64_t packets_in = 0, bytes_in = 0, packets_out = 0, bytes_out = 0;
  uint64_t opened = 0, closed = 0, refused = 0, resets = 0;
  void accumulate(const ServiceCounters& c) {
    packets_in += c.packets_in.get(), bytes_in += c.bytes_in.get();
    packets_out += c.packets_out.get(), bytes_out += c.bytes_out.get();
    opened += c.opened.get(), closed += c.closed.get();
    refused += c.refused.get(), resets += c.resets.get();
  }
};

struct RealTotals {
  uint64_t opened = 0, closed = 0, packets_in = 0, bytes_in = 0, packets_out = 0, bytes_out = 0;
  void accumulate(const RealCounters& c) {
    opened += c.opened.get(), closed += c.closed.get();
    packets_in += c.packets_in.get(), bytes_in += c.bytes_in.get();
    packets_out += c.packets_out.get(), bytes_out += c.bytes_out.get();
  }
};

// A static NAT's or a forwarding service's, per lcore.
struct alignas(64) NatCounters {
  // in: to the public address (static NAT), to the source network (forwarding); out: from them
  Counter packets_in, bytes_in;
  Counter packets_out, bytes_out;
  Counter opened, closed;  // forwarding with SNAT: connections (both SNATed ones and
                           // those opened from outside, tracked untranslated)
  Counter refused;         // forwarding with SNAT: new connections dropped (no port, table full)
};

struct NatTotals {
  uint64_t packets_in = 0, bytes_in = 0, packets_out = 0, bytes_out = 0;
  uint64_t opened = 0, closed = 0, refused = 0;
  void accumulate(const NatCounters& c) {
    packets_in += c.packets_in.get(), bytes_in += c.bytes_in.get();
    packets_out += c.packets_out.get(), bytes_out += c.bytes_out.get();
    opened += c.opened.get(), closed += c.closed.get(), refused += c.refused.get();
  }
};

// kToKernel: hand the packet unchanged to the kernel twin (an L7 transparent real's answer).
enum class Outcome : uint8_t { kNotMine, kForward, kDrop, kToKernel };

struct Verdict {
  Outcome outcome;
  DropReason drop;  // kDrop
  uint32_t dst;     // kForward: the new destination to route to
  uint16_t len = 0; // kForward: the packet's new IP length when the engine rebuilt it, else 0
};

// A packet of a burst: its IPv4 header (checked), its total length, and the room after it that a
// reply built in place may use.
struct BurstPacket {
  uint8_t* ip;
  uint16_t len;
  uint16_t room;
};

class Engine {
 public:
  static constexpr uint32_t kMaxServices = 1024;  // service slots over the daemon's life
  static constexpr uint32_t kMaxStaticNats = 4096;  // static NAT slots over the daemon's life
  static constexpr uint32_t kMaxForwarding = 256;   // forwarding service slots likewise

  // Off the fast path: allocates everything. nullptr when memory is short.
  static std::unique_ptr<Engine> create(uint32_t lcore, uint32_t lcores, uint32_t connections);

  // Control thread, before `services` is published: per-lcore state for its new slots. False
  // when a slot is out of range or memory is short (then do not publish).
  bool prepare(const Services& services);

  // The packets of a burst, each a checked IPv4 packet, rewritten in place; verdicts in `out`.
  // Flow lookups of the whole burst are issued together so that their cache misses overlap.
  void processBurst(const BurstPacket* pkts, size_t n, uint32_t now, const Fib& fib,
                    const Services& services, Verdict* out);
  // One packet (tests).
  Verdict process(uint8_t* ip, size_t len, uint32_t now, const Fib& fib, const Services& services,
                  size_t room = 0) {
    Verdict v;
    const BurstPacket p{ip, uint16_t(len), uint16_t(room)};
    processBurst(&p, 1, now, fib, services, &v);
    return v;
  }

  // Expires idle connections, looking at no more than `budget` entries.
  void age(uint32_t now, uint32_t budget, const Services& services);

  // Readable from any thread. `service` is a slot below kMaxServices; reals below kMaxReals.
  const ServiceCounters& service(size_t slot) const { return service_counters_[slot]; }
  const RealCounters& real(size_t slot, size_t real) const {
    static const RealCounters kZero{};
    return real_counters_[slot] ? real_counters_[slot][real] : kZero;
  }
  const NatCounters& staticNat(size_t slot) const { return static_nat_counters_[slot]; }
  const NatCounters& forwarding(size_t slot) const { return forwarding_counters_[slot]; }
  const flow::FlowTable& flows() const { return *flows_; }
  // The active connections this lcore holds per real of a service (for lc/wlc when a
  // scheduler table is rebuilt) — read from any thread, approximate.
  uint32_t activeOn(size_t slot, size_t real) const {
    return sched_[slot] ? sched_[slot]->active(uint32_t(real)) : 0;
  }

 private:
  Engine() = default;
  sched::RealIndex choose(const Service& s, uint16_t slot, const flow::FlowKey& key, uint32_t now);
  Verdict established(const BurstPacket& p, uint32_t slot, uint8_t flags, uint32_t now,
                      const Services& services);
  Verdict open(const BurstPacket& p, const flow::FlowKey& key, uint8_t tcp_flags, uint16_t service,
               uint32_t now, const Fib& fib, const Services& services);
  Verdict refuse(const BurstPacket& p, DropReason why);
  // No flow and no virtual service: a static NAT's, a forwarding service's, or plain routing.
  Verdict unclaimed(const BurstPacket& p, const flow::FlowKey& key, uint8_t tcp_flags, uint32_t now,
                    const Fib& fib, const Services& services);
  Verdict staticNat(const BurstPacket& p, const Services& services, bool* matched);
  Verdict forwardingOpen(const BurstPacket& p, const flow::FlowKey& key, uint8_t tcp_flags,
                         uint16_t slot, uint32_t now, const Fib& fib, const Services& services);
  void forwardingInbound(const BurstPacket& p, const flow::FlowKey& key, uint8_t tcp_flags,
                         uint16_t slot, uint32_t now);
  Verdict forwardingEstablished(const BurstPacket& p, uint32_t slot, uint8_t tcp_flags,
                                uint32_t now);
  Verdict icmpError(uint8_t* ip, size_t len);
  Verdict laterFragment(uint8_t* ip, size_t len, uint32_t now, const Services& services);
  Verdict translate(uint8_t* ip, size_t len, const flow::Rewrite& r, uint32_t now);
  void closed(const flow::FlowEntry& original);
  bool endFinishedFlowForNewSyn(uint32_t slot, uint8_t tcp_flags);

  uint32_t lcore_ = 0;
  std::unique_ptr<flow::FlowTable> flows_;
  std::unique_ptr<flow::SnatPortAllocator> ports_;
  // By service slot; filled by prepare() before a generation naming the slot is published.
  std::unique_ptr<std::unique_ptr<sched::LcoreState>[]> sched_;
  std::unique_ptr<std::unique_ptr<RealCounters[]>[]> real_counters_;
  std::unique_ptr<ServiceCounters[]> service_counters_;
  std::unique_ptr<NatCounters[]> static_nat_counters_;  // by static NAT slot
  std::unique_ptr<NatCounters[]> forwarding_counters_;  // by forwarding slot
  FragmentTable fragments_;
  PersistenceTable persistence_;
};

}  // namespace vlb::dp::l4
