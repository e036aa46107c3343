// Hashes for the schedulers: fast, well mixed, and the same on every lcore, every build and every
// appliance, so that `sh` and `maglev` send a client or a flow to the same real wherever it lands.
// Not keyed: they spread traffic, they do not defend against someone choosing addresses to collide.
//
// Addresses and ports are taken as the caller holds them (network order straight from the packet is
// the obvious choice); what matters is that every caller of one service does the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vlb::dp::sched {

// Bijective 32-bit finaliser: xor-shift / multiply rounds, each input bit flips about half of the
// output bits. Multipliers from the "lowbias32" result of Chris Wellons' hash-prospector search.
constexpr uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Bijective 64-bit finaliser of the same shape (multipliers: Stafford's "mix 13").
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The high half of a mixed 64-bit value: its best-mixed bits.
constexpr uint32_t fold(uint64_t x) { return uint32_t(x >> 32); }

namespace detail {
constexpr uint64_t kSeedBytes = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio
constexpr uint64_t kSeedFlow = 0xd6e8feb86659fd93ULL;   // arbitrary odd constants, fixed forever:
constexpr uint32_t kSeedSource = 0x2545f491U;           // changing one remaps every flow

// Little-endian regardless of the host, so identities hash the same on every machine.
constexpr uint64_t loadLe(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}
}  // namespace detail

// Any byte string, e.g. a real's identity "192.0.2.10:443". Control-plane speed is enough.
constexpr uint32_t hashBytes(std::string_view s, uint32_t seed) {
  uint64_t h = mix64(detail::kSeedBytes ^ seed ^ (uint64_t(s.size()) << 32));
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w = 0;
    for (size_t b = 0; b < 8; ++b) w |= uint64_t(uint8_t(s[i + b])) << (8 * b);
    h = mix64(h ^ w) + i;
  }
  uint64_t tail = 0;
  for (size_t b = 0; i + b < s.size(); ++b) tail |= uint64_t(uint8_t(s[i + b])) << (8 * b);
  return fold(mix64(h ^ tail ^ 0xff));
}

// A client address, for `sh` (and for `maglev` when a service persists by source).
constexpr uint32_t hashSourceV4(uint32_t addr) { return mix32(addr ^ detail::kSeedSource); }

inline uint32_t hashSourceV6(const uint8_t addr[16]) {
  const uint64_t h = mix64(detail::loadLe(addr, 8) ^ detail::kSeedFlow);
  return fold(mix64(h ^ detail::loadLe(addr + 8, 8)));
}

// A flow's 5-tuple, for `maglev`.
constexpr uint32_t hashFlowV4(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                              uint8_t proto) {
  const uint64_t addrs = uint64_t(src) << 32 | dst;
  const uint64_t ports = uint64_t(proto) << 32 | uint64_t(sport) << 16 | dport;
  return fold(mix64(mix64(addrs ^ detail::kSeedFlow) ^ ports));
}

inline uint32_t hashFlowV6(const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
                           uint16_t dport, uint8_t proto) {
  uint64_t h = mix64(detail::loadLe(src, 8) ^ detail::kSeedFlow);
  h = mix64(h ^ detail::loadLe(src + 8, 8));
  h = mix64(h ^ detail::loadLe(dst, 8));
  h = mix64(h ^ detail::loadLe(dst + 8, 8));
  return fold(mix64(h ^ (uint64_t(proto) << 32 | uint64_t(sport) << 16 | dport)));
}

// Maps a well-mixed hash onto [0, n) with a multiply instead of a division (Lemire's reduction).
constexpr uint32_t reduce(uint32_t hash, uint32_t n) {
  return uint32_t((uint64_t(hash) * n) >> 32);
}

}  // namespace vlb::dp::sched
