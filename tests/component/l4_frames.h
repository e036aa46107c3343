// Golden-frame helpers of the L4 component tests: TCP/UDP/ICMP echo frames with valid checksums,
// and checks of the frames the appliance sends.
#pragma once

#include <cstring>
#include <vector>

#include "datapath_fixture.h"

namespace vlb::dp {

using Bytes = std::vector<uint8_t>;
constexpr uint32_t kVip = 0xcb00710a;  // 203.0.113.10
const MacAddr kClientMac = mac(0x0c), kReal1Mac = mac(0x11), kReal2Mac = mac(0x12);

inline uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) { return uint32_t(get16(p)) << 16 | get16(p + 2); }
inline void put16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8), p[1] = uint8_t(v); }
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, uint16_t(v >> 16)), put16(p + 2, uint16_t(v));
}

// The TCP/UDP checksum of the IP packet at `ip` recomputed from scratch (0 → 0xffff for UDP).
inline uint16_t l4Sum(const uint8_t* ip, size_t len) {
  const size_t l4len = len - 20;
  Bytes p(ip + 12, ip + 20);
  p.insert(p.end(), {0, ip[9], uint8_t(l4len >> 8), uint8_t(l4len)});
  p.insert(p.end(), ip + 20, ip + len);
  put16(&p[12 + (ip[9] == 6 ? 16 : 6)], 0);
  const uint16_t s = internetChecksum(p.data(), p.size());
  return ip[9] == 17 && s == 0 ? 0xffff : s;
}

struct Segment {
  uint32_t src, dst;
  uint16_t sport, dport;
  uint8_t proto = 6;
  uint8_t flags = 0x02;  // SYN
  size_t payload = 0;
  bool udp_sum = true;
};

// An Ethernet frame to `to` with a valid IPv4 + TCP/UDP packet.
inline Bytes frame(const MacAddr& to, const Segment& s) {
  const size_t l4 = s.proto == 6 ? 20 : 8, len = 20 + l4 + s.payload;
  Bytes f(14 + len, 0);
  std::memcpy(f.data(), to.bytes, 6);
  std::memcpy(f.data() + 6, mac(0x99).bytes, 6);
  f[12] = 0x08;
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45, ip[8] = 64, ip[9] = s.proto;
  put16(ip + 2, uint16_t(len));
  put16(ip + 4, 0x1234);
  put32(ip + 12, s.src), put32(ip + 16, s.dst);
  put16(ip + 20, s.sport), put16(ip + 22, s.dport);
  for (size_t i = 0; i < s.payload; ++i) ip[20 + l4 + i] = uint8_t(i * 7);
  if (s.proto == 6) {
    ip[32] = 0x50, ip[33] = s.flags;
    put16(ip + 36, l4Sum(ip, len));
  } else {
    put16(ip + 24, uint16_t(l4 + s.payload));
    if (s.udp_sum) put16(ip + 26, l4Sum(ip, len));
  }
  put16(ip + 10, internetChecksum(ip, 20));
  return f;
}

// Checks a frame leaving the appliance: MACs, checksums, and the new addresses/ports.
inline void expectPacket(const Bytes& f, const MacAddr& dst_mac, uint32_t src, uint16_t sport,
                         uint32_t dst, uint16_t dport) {
  const uint8_t* ip = f.data() + 14;
  const size_t len = get16(ip + 2);
  EXPECT_EQ(0, std::memcmp(f.data(), dst_mac.bytes, 6));
  EXPECT_TRUE(checksumValid(ip, 20));
  EXPECT_EQ(get32(ip + 12), src);
  EXPECT_EQ(get32(ip + 16), dst);
  EXPECT_EQ(get16(ip + 20), sport);
  EXPECT_EQ(get16(ip + 22), dport);
  const uint16_t sum = get16(ip + (ip[9] == 6 ? 36 : 26));
  if (!(ip[9] == 17 && sum == 0)) {
    EXPECT_EQ(sum, l4Sum(ip, len)) << "L4 checksum";
  }
}

// An ICMP echo request (type 8) or reply (type 0) with a valid checksum.
inline Bytes icmpEcho(const MacAddr& to, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
                      uint16_t seq = 1) {
  Bytes f(14 + 20 + 8 + 16, 0);
  std::memcpy(f.data(), to.bytes, 6);
  std::memcpy(f.data() + 6, mac(0x99).bytes, 6);
  f[12] = 0x08;
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45, ip[8] = 64, ip[9] = 1;
  put16(ip + 2, uint16_t(f.size() - 14));
  put32(ip + 12, src), put32(ip + 16, dst);
  ip[20] = type;
  put16(ip + 24, id), put16(ip + 26, seq);
  for (size_t i = 28; i < f.size() - 14; ++i) ip[i] = uint8_t(i);
  put16(ip + 22, internetChecksum(ip + 20, f.size() - 34));
  put16(ip + 10, internetChecksum(ip, 20));
  return f;
}

}  // namespace vlb::dp
