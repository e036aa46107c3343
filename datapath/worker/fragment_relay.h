// Later IPv4 fragments to a SNAT address, handed round the datapath lcores one at a time.
//
// Such a fragment carries no ports, so it cannot be steered to the lcore that owns its datagram
// (datapath/l4/steering.h: kEveryLcore). The lcore that received it tries it first; if it does
// not know the datagram, it hands the fragment (the one mbuf, never a copy) to the next lcore,
// and so on round the ring of lcores. The first lcore that knows the datagram (it translated the
// first fragment, or routed the first fragment as it was: the kernel's own datagram to a self
// IP) acts on it; the last lcore of the round, back before the one it started from, counts it as
// `fragment_unknown`. So every such fragment has exactly one fate (forwarded, punted, or one
// counted drop) without shared state: the "ticket" is the origin lcore, carried in the mbuf.
//
// Ordering: the first fragment is handed to its owner before the later one sets off, and each
// lcore's hand-off ring is FIFO, so the owner sees the first fragment first when both arrived in
// order. At most lcores - 1 hand-offs per fragment.
#pragma once

#include <cstdint>

namespace vlb::dp {

// mbuf->hash.usr of a fragment on its round: this tag in the upper half, the origin lcore (the
// one that received it from the port) in the lower half.
constexpr uint32_t kFragmentRelayTag = 0x52460000;  // "RF"
constexpr uint32_t kRoundOver = UINT32_MAX;

inline uint32_t fragmentRelayMark(uint32_t origin) { return kFragmentRelayTag | (origin & 0xffff); }
inline bool isFragmentRelay(uint32_t mark) { return (mark & 0xffff0000u) == kFragmentRelayTag; }
inline uint32_t fragmentRelayOrigin(uint32_t mark) { return mark & 0xffff; }

// The lcore to try after `self` on a round that started at `origin`, or kRoundOver when every
// lcore has tried it (also for a single lcore, and for an origin out of range: no endless round).
inline uint32_t nextInRound(uint32_t self, uint32_t origin, uint32_t lcores) {
  if (lcores < 2 || origin >= lcores || self >= lcores) return kRoundOver;
  const uint32_t next = (self + 1) % lcores;
  return next == origin ? kRoundOver : next;
}

}  // namespace vlb::dp
