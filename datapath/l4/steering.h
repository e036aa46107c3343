// Which datapath lcore owns a packet's connection. Each lcore has its own flow table, so every
// packet of a connection, both ways, must be handled by the lcore that holds its entries; the
// NIC's RSS spreads packets by its own hash, so an lcore hands packets it does not own to their
// owner over a ring. The owner follows from the packet alone:
//   to a VIP (client → service):           the client address's hash
//   to a SNAT address, port in SNAT range: the lcore whose port range holds the port (it
//                                          allocated the port: flow/snat_ports.h)
//   from a real of a transparent service:  the destination (the client) address's hash
//   from a forwarding service's source network, with SNAT: the source address's hash (its
//                                          replies come back to a SNAT address: by port range)
//   to such a network from outside:        the destination address's hash (tracked untranslated)
//   anything else:                         whoever received it (routed traffic, static NAT: it
//                                          is stateless, the kernel's)
// ICMP errors go by the packet they quote, seen the other way. Hashing on addresses only (not
// ports) keeps the fragments of a datagram together, since later fragments carry no ports; only
// later fragments to a SNAT address cannot be placed (kEveryLcore): they go round the lcores one
// at a time (datapath/worker/fragment_relay.h); the lcore that knows the datagram translates them,
// and if none does the last one counts a `fragment_unknown` drop.
#pragma once

#include <cstddef>
#include <cstdint>

#include "datapath/l4/l4_services.h"

namespace vlb::dp::l4 {

constexpr uint32_t kAnyLcore = UINT32_MAX;       // not a flow's: stay where it is
constexpr uint32_t kEveryLcore = UINT32_MAX - 1;  // a later fragment whose owner cannot be told

// `ip`: a checked IPv4 packet of `len` bytes; `lcores` > 1.
uint32_t owningLcore(const uint8_t* ip, size_t len, const Services& services, uint32_t lcores);

}  // namespace vlb::dp::l4
