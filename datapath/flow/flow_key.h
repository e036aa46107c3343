// The IPv4 5-tuple a flow is found by, and its hash. Pure C++: no DPDK, unit-tested without EAL.
#pragma once

#include <cstdint>
#include <cstring>

namespace vlb::dp::flow {

constexpr uint8_t kIpProtoIcmp = 1;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpProtoUdp = 17;

// Addresses and ports in host order. An ICMP echo flow uses the identifier as both ports
// (sport == dport == id), so that, as for TCP and UDP, the key of the reply direction is the
// reverse of the rewritten request and one translated identifier names the flow both ways.
struct FlowKey {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t proto = 0;
  uint8_t zero[3] = {0, 0, 0};  // stays zero: a key compares and hashes as two 64-bit words

  static FlowKey tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
    return make(src, dst, sport, dport, kIpProtoTcp);
  }
  static FlowKey udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
    return make(src, dst, sport, dport, kIpProtoUdp);
  }
  static FlowKey icmpEcho(uint32_t src, uint32_t dst, uint16_t id) {
    return make(src, dst, id, id, kIpProtoIcmp);
  }
  static FlowKey make(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t proto) {
    FlowKey k;
    k.src = src;
    k.dst = dst;
    k.sport = sport;
    k.dport = dport;
    k.proto = proto;
    return k;
  }

  // The key of a packet going the other way.
  FlowKey reversed() const { return make(dst, src, dport, sport, proto); }

  uint64_t word0() const {
    uint64_t w;
    std::memcpy(&w, this, 8);
    return w;
  }
  uint64_t word1() const {
    uint64_t w;
    std::memcpy(&w, reinterpret_cast<const char*>(this) + 8, 8);
    return w;
  }
  bool operator==(const FlowKey& o) const { return word0() == o.word0() && word1() == o.word1(); }
};
static_assert(sizeof(FlowKey) == 16, "FlowKey is two 64-bit words");

// 64-bit hash of a key: both words are multiplied by odd constants and folded with xor-shifts, so
// every input bit reaches both the low bits (the bucket) and the high 32 bits (the signature).
// `seed` differs per table so that colliding keys cannot be precomputed for every appliance.
inline uint64_t flowHash(const FlowKey& k, uint64_t seed = 0) {
  uint64_t h = (k.word0() ^ seed) * 0x9e3779b97f4a7c15ull;
  h ^= h >> 29;
  h = (h ^ k.word1()) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 29;
  return h;
}

}  // namespace vlb::dp::flow
