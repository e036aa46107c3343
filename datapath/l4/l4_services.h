// The L4 virtual services, static NATs and forwarding services as the datapath sees them: one
// generation, compiled by the control thread from the configuration, immutable, shared by every
// datapath lcore, replaced whole by a pointer swap on every change (the old one freed after an
// RCU grace period).
//
// Stable indexes. Flow entries name their service and real by index, and they outlive
// generations, so indexes never change meaning: `list` is indexed by the service's slot, kept for
// the life of the daemon (a removed service stays as a placeholder with `removed`, so that its
// flows still age and count); a real's index in its service is kept likewise (a removed real
// stays as a placeholder with `gone`, weight 0 in the scheduler).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datapath/flow/timeouts.h"
#include "datapath/sched/scheduler.h"
#include "datapath/service/service_table.h"

namespace vlb::dp::l4 {

struct Real {
  uint32_t addr = 0;  // host order
  uint16_t port = 0;  // 0: the port the client connected to
  bool gone = false;     // removed from the config, or down by its health check
  bool removed = false;  // a placeholder for a real no longer configured (gone too)
};

enum class SnatMode : uint8_t { kAutomap, kNone, kPool };

struct Service {
  std::string name;
  uint32_t vip = 0;
  uint8_t protocol = 0;
  uint16_t port_first = 0, port_last = 0;
  SnatMode snat = SnatMode::kAutomap;
  std::vector<uint32_t> pool;  // kPool: the source addresses
  uint8_t flow_flags = 0;      // flow::kFlowLooseInit, kFlowLooseClose
  uint32_t idle_ticks = 0;     // established TCP, or UDP
  bool persistence = false;    // by source IP
  uint32_t persistence_mask = 0xffffffff;
  uint32_t persistence_ticks = 0;
  std::shared_ptr<const sched::Table> scheduler;  // shared with the next generation's history
  std::vector<Real> reals;     // indexed like the scheduler's reals
  bool removed = false;        // a placeholder: not classified any more, its flows go on
  bool reset_gone = false;     // flows to a gone real are reset (else they are kept)
  bool any_gone = false;       // some real is gone (saves a look per packet when none is)
};

// A static NAT: 1:1 between a public and a private address, every protocol and port, both ways,
// stateless. `slot` names its counters; kept for the life of the daemon like a service's.
struct StaticNat {
  uint32_t public_addr = 0;  // host order
  uint32_t private_addr = 0;
  uint16_t slot = 0;
  bool removed = false;  // a placeholder in Services::static_nats
};

// A forwarding service: routed traffic from `source` (under `mask`) to anywhere that is not the
// appliance's own, with its source translated (automap, pool; tracked in the flow table like an
// L4 service's SNAT flows, with kFlowForwarding) or not (none: counted and routed).
struct Forwarding {
  std::string name;
  uint32_t source = 0, mask = 0;  // host order
  SnatMode snat = SnatMode::kAutomap;
  std::vector<uint32_t> pool;  // kPool
  uint8_t automap_port = 0;    // automap when the next hop is not resolved yet: this port's self IP
  bool removed = false;        // a placeholder: its flows go on
  bool contains(uint32_t addr) const { return (addr & mask) == source; }
};

// True when `sorted` (one of Services' sorted address lists) holds `addr`.
inline bool inSorted(const std::vector<uint32_t>& sorted, uint32_t addr) {
  return std::binary_search(sorted.begin(), sorted.end(), addr);
}

struct Services {
  explicit Services(const std::vector<ServiceKey>& keys) : classifier(keys) {}
  ServiceTable classifier;
  std::vector<Service> list;  // by slot; classifier values are slots
  // Per datapath port: automap's source when the FIB adjacency names no self IP of its egress
  // interface (its first IPv4 self IP, else the first of its VLANs'), 0 if none.
  std::vector<uint32_t> port_self_ip;
  std::vector<uint32_t> vips;               // sorted: every service's VIP, removed ones too
  // sorted: every address automap or a pool may take as a source: the ports' and VLANs' IPv4 self
  // IPs, the pools' addresses (replies to them are steered by their SNAT port).
  std::vector<uint32_t> snat_addresses;
  std::vector<uint32_t> transparent_reals;  // sorted: the reals of services with snat none
  // Static NATs by slot (removed ones as placeholders), and the live ones sorted both ways.
  std::vector<StaticNat> static_nats;
  std::vector<StaticNat> nat_by_public;   // sorted by public_addr
  std::vector<StaticNat> nat_by_private;  // sorted by private_addr
  // Forwarding services by slot (flows name it in FlowEntry::service), and the live slots in the
  // order they are matched: longest source prefix first.
  std::vector<Forwarding> forwarding;
  std::vector<uint16_t> forwarding_order;
  // sorted: the appliance's own addresses (ports' and VLANs' self IPs, L4 and L7 VIPs, static NAT
  // public addresses):
  // traffic to them is never a forwarding service's.
  std::vector<uint32_t> local_addresses;
  // sorted: address << 16 | port of the reals of L7 services with `transparent`: the proxy
  // connects to them from clients' addresses, so their TCP answers without a flow here go to the
  // kernel (its policy rules hand them to the proxy) instead of being routed to the client.
  std::vector<uint64_t> to_kernel;
  uint32_t ticks_per_second = 1000;
  flow::TimeoutProfile timeouts;  // the states other than established/UDP
};

}  // namespace vlb::dp::l4
