// One datapath lcore's L4 virtual services: its own flow table, SNAT ports and scheduler state.
// For each IPv4 packet it decides: not a virtual service's (route it as it is), translated (route
// it to its new destination), or dropped for a named reason. No locks, no allocation per packet.
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

struct alignas(64) ServiceCounters {
  Counter packets_in, bytes_in;    // client → real
  Counter packets_out, bytes_out;  // real → client
  Counter opened, closed;          // connections; active = opened - closed
};

struct alignas(64) RealCounters {
  Counter opened, closed, packets;
};

enum class Outcome : uint8_t { kNotMine, kForward, kDrop };

struct Verdict {
  Outcome outcome;
  DropReason drop;  // kDrop
  uint32_t dst;     // kForward: the new destination to route to
};

class Engine {
 public:
  // Off the fast path: allocates everything. nullptr when memory is short.
  static std::unique_ptr<Engine> create(const Services& services, uint32_t lcore, uint32_t lcores,
                                        uint32_t connections);

  // `ip` is a checked IPv4 packet of `len` bytes (its total length); rewritten in place.
  Verdict process(uint8_t* ip, size_t len, uint32_t now, const Fib& fib);

  // Expires idle connections, looking at no more than `budget` entries.
  void age(uint32_t now, uint32_t budget);

  const ServiceCounters& service(size_t i) const { return service_counters_[i]; }
  const RealCounters& real(size_t service, size_t real) const {
    return real_counters_[real_base_[service] + real];
  }
  const flow::FlowTable& flows() const { return *flows_; }

 private:
  Engine(const Services& services) : services_(services) {}
  sched::RealIndex choose(uint16_t service, const flow::FlowKey& key, uint32_t now);
  Verdict open(uint8_t* ip, size_t len, const flow::FlowKey& key, uint8_t tcp_flags,
               uint16_t service, uint32_t now, const Fib& fib);
  Verdict icmpError(uint8_t* ip, size_t len);
  Verdict laterFragment(uint8_t* ip, size_t len, uint32_t now);
  Verdict translate(uint8_t* ip, size_t len, const flow::Rewrite& r, uint32_t now);
  void closed(const flow::FlowEntry& original);

  const Services& services_;
  std::unique_ptr<flow::FlowTable> flows_;
  std::unique_ptr<flow::SnatPortAllocator> ports_;
  std::vector<std::unique_ptr<sched::LcoreState>> sched_;
  std::unique_ptr<ServiceCounters[]> service_counters_;
  std::unique_ptr<RealCounters[]> real_counters_;
  std::vector<size_t> real_base_;
  FragmentTable fragments_;
  PersistenceTable persistence_;
};

}  // namespace vlb::dp::l4
