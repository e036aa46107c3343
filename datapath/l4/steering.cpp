#include "datapath/l4/steering.h"

#include <algorithm>

#include "datapath/flow/snat_ports.h"
#include "datapath/nat/nat_rewrite.h"
#include "datapath/packet/bytes.h"
#include "datapath/sched/hash.h"

namespace vlb::dp::l4 {
namespace {

uint32_t byAddress(uint32_t addr, uint32_t lcores) {
  return uint32_t(uint64_t(sched::hashSourceV4(addr)) * lcores >> 32);
}

// `ports_known`: false for a later fragment.
uint32_t owner(uint32_t src, uint32_t dst, uint16_t dport, bool ports_known, const Services& s,
               uint32_t lcores) {
  if (inSorted(s.vips, dst)) return byAddress(src, lcores);
  if (inSorted(s.snat_addresses, dst)) {
    if (!ports_known) return kEveryLcore;
    const uint32_t by_port = flow::ownerLcore(dport, lcores);
    return by_port < lcores ? by_port : kAnyLcore;
  }
  if (inSorted(s.transparent_reals, src)) return byAddress(dst, lcores);
  // A forwarding service with SNAT: the source network's connections by the source address, so
  // that the lcore that allocates the SNAT port (and gets the replies) sees every packet of them.
  for (const uint16_t slot : s.forwarding_order) {
    const Forwarding& f = s.forwarding[slot];
    if (!f.contains(src)) continue;
    return f.snat == SnatMode::kNone ? kAnyLcore : byAddress(src, lcores);
  }
  // Connections from outside to such a network are tracked too (by the host's address, so that
  // its answers meet them).
  for (const uint16_t slot : s.forwarding_order) {
    const Forwarding& f = s.forwarding[slot];
    if (!f.contains(dst)) continue;
    return f.snat == SnatMode::kNone ? kAnyLcore : byAddress(dst, lcores);
  }
  return kAnyLcore;
}

}  // namespace

uint32_t owningLcore(const uint8_t* ip, size_t len, const Services& services, uint32_t lcores) {
  L4View v;
  if (viewL4(ip, len, &v) != NatResult::kOk) return kAnyLcore;
  if (v.protocol == 1 && isIcmpError(v.icmp_type)) {
    uint8_t proto;
    NatTuple quoted;
    if (quotedTuple(ip, len, &proto, &quoted) != NatResult::kOk) return kAnyLcore;
    // The quoted packet went from quoted.src to quoted.dst; its flow's next packet would come
    // back the other way.
    return owner(quoted.dst_addr, quoted.src_addr, quoted.src_port, true, services, lcores);
  }
  return owner(load32(ip + 12), load32(ip + 16), v.dst_port, v.first_fragment, services, lcores);
}

}  // namespace vlb::dp::l4
