// NAT rewrites checked against recomputing every checksum from scratch, over many random packets.
#include "datapath/nat/nat_rewrite.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "datapath/packet/checksum.h"

namespace vlb::dp {
namespace {

using Bytes = std::vector<uint8_t>;

uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) { return uint32_t(get16(p)) << 16 | get16(p + 2); }
void put16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8), p[1] = uint8_t(v); }
void put32(uint8_t* p, uint32_t v) { put16(p, uint16_t(v >> 16)), put16(p + 2, uint16_t(v)); }

// From-scratch checksums: the reference the incremental updates must match.
uint16_t ipSum(const Bytes& ip) {
  Bytes h(ip.begin(), ip.begin() + (ip[0] & 0xf) * 4);
  put16(&h[10], 0);
  return internetChecksum(h.data(), h.size());
}
uint16_t l4Sum(const Bytes& ip) {
  const size_t ihl = (ip[0] & 0xf) * 4, l4len = ip.size() - ihl;
  Bytes p(ip.begin() + 12, ip.begin() + 20);  // addresses
  p.insert(p.end(), {0, ip[9], uint8_t(l4len >> 8), uint8_t(l4len)});
  p.insert(p.end(), ip.begin() + ihl, ip.end());
  put16(&p[12 + (ip[9] == kProtoTcp ? 16 : 6)], 0);
  uint16_t s = internetChecksum(p.data(), p.size());
  return ip[9] == kProtoUdp && s == 0 ? 0xffff : s;
}
uint16_t icmpSum(const Bytes& ip, size_t ihl = 20) {
  Bytes m(ip.begin() + ihl, ip.end());
  put16(&m[2], 0);
  return internetChecksum(m.data(), m.size());
}

class PacketMaker {
 public:
  explicit PacketMaker(uint32_t seed) : rng_(seed) {}
  uint32_t u32() { return rng_(); }
  uint16_t u16() { return uint16_t(rng_()); }

  // A packet with valid checksums: TCP, UDP or ICMP echo (type 8) with `payload` random bytes.
  Bytes make(uint8_t proto, size_t payload, bool udp_zero_sum = false, uint8_t icmp_type = 8) {
    const size_t l4 = proto == kProtoTcp ? 20 : 8;
    Bytes ip(20 + l4 + payload);
    for (auto& b : ip) b = uint8_t(rng_());
    ip[0] = 0x45;
    put16(&ip[2], uint16_t(ip.size()));
    put16(&ip[6], 0x4000);  // DF, not a fragment
    ip[9] = proto;
    put16(&ip[10], ipSum(ip));
    if (proto == kProtoTcp) put16(&ip[20 + 16], l4Sum(ip));
    if (proto == kProtoUdp) {
      put16(&ip[24], uint16_t(l4 + payload));
      put16(&ip[26], udp_zero_sum ? 0 : l4Sum(ip));
    }
    if (proto == kProtoIcmp) {
      ip[20] = icmp_type;
      ip[21] = 0;
      put16(&ip[22], icmpSum(ip));
    }
    return ip;
  }
  NatTuple tuple() { return {u32(), u32(), u16(), u16()}; }

 private:
  std::mt19937 rng_;
};

TEST(NatRewrite, TcpAndUdpMatchFullRecomputation) {
  PacketMaker make(1);
  for (int i = 0; i < 2000; ++i) {
    const uint8_t proto = i % 2 ? kProtoTcp : kProtoUdp;
    Bytes ip = make.make(proto, size_t(make.u16() % 1400));
    const NatTuple to = make.tuple();
    ASSERT_EQ(natRewrite(ip.data(), ip.size(), to), NatResult::kOk);
    EXPECT_EQ(get32(&ip[12]), to.src_addr);
    EXPECT_EQ(get32(&ip[16]), to.dst_addr);
    EXPECT_EQ(get16(&ip[20]), to.src_port);
    EXPECT_EQ(get16(&ip[22]), to.dst_port);
    ASSERT_EQ(get16(&ip[10]), ipSum(ip)) << "IP checksum, packet " << i;
    ASSERT_EQ(get16(&ip[20 + (proto == kProtoTcp ? 16 : 6)]), l4Sum(ip)) << "L4 checksum, packet " << i;
  }
}

TEST(NatRewrite, UdpWithoutChecksumKeepsNone) {
  PacketMaker make(2);
  Bytes ip = make.make(kProtoUdp, 100, /*udp_zero_sum=*/true);
  ASSERT_EQ(natRewrite(ip.data(), ip.size(), make.tuple()), NatResult::kOk);
  EXPECT_EQ(get16(&ip[26]), 0);
  EXPECT_EQ(get16(&ip[10]), ipSum(ip));
}

TEST(NatRewrite, UdpChecksumThatWouldBeZeroIsAllOnes) {
  // Search for a rewrite whose correct UDP checksum is "zero": it must be sent as 0xffff.
  PacketMaker make(3);
  int found = 0;
  for (int i = 0; i < 300000 && found < 3; ++i) {
    Bytes ip = make.make(kProtoUdp, 4);
    NatTuple to = make.tuple();
    Bytes probe = ip;
    put32(&probe[12], to.src_addr), put32(&probe[16], to.dst_addr);
    put16(&probe[20], to.src_port), put16(&probe[22], to.dst_port);
    if (l4Sum(probe) != 0xffff) continue;
    ++found;
    ASSERT_EQ(natRewrite(ip.data(), ip.size(), to), NatResult::kOk);
    EXPECT_EQ(get16(&ip[26]), 0xffff);
  }
  EXPECT_GT(found, 0);
}

TEST(NatRewrite, IcmpEchoIdentifierFollowsTheDirection) {
  PacketMaker make(4);
  for (uint8_t type : {uint8_t(8), uint8_t(0)}) {
    Bytes ip = make.make(kProtoIcmp, 56, false, type);
    const NatTuple to = make.tuple();
    ASSERT_EQ(natRewrite(ip.data(), ip.size(), to), NatResult::kOk);
    EXPECT_EQ(get16(&ip[24]), type == 8 ? to.src_port : to.dst_port);
    EXPECT_EQ(get16(&ip[22]), icmpSum(ip));
    EXPECT_EQ(get16(&ip[10]), ipSum(ip));
  }
}

TEST(NatRewrite, NonFirstFragmentChangesAddressesOnly) {
  PacketMaker make(5);
  Bytes ip = make.make(kProtoUdp, 200);
  put16(&ip[6], 0x0010);  // offset 128 bytes: no L4 header here
  put16(&ip[10], ipSum(ip));
  const Bytes before = ip;
  const NatTuple to = make.tuple();
  ASSERT_EQ(natRewrite(ip.data(), ip.size(), to), NatResult::kOk);
  EXPECT_EQ(get32(&ip[16]), to.dst_addr);
  EXPECT_EQ(get16(&ip[10]), ipSum(ip));
  EXPECT_TRUE(std::equal(ip.begin() + 20, ip.end(), before.begin() + 20));
  L4View v;
  ASSERT_EQ(viewL4(ip.data(), ip.size(), &v), NatResult::kOk);
  EXPECT_TRUE(v.is_fragment);
  EXPECT_FALSE(v.first_fragment);
}

// An ICMP error from a router (outer source) quoting `quoted` as the router saw it.
Bytes icmpError(PacketMaker& make, const Bytes& quoted, size_t quote_len, uint8_t type, uint8_t code) {
  Bytes ip = make.make(kProtoIcmp, 0, false, type);
  ip.resize(28);
  ip.insert(ip.end(), quoted.begin(), quoted.begin() + long(quote_len));
  put16(&ip[2], uint16_t(ip.size()));
  ip[21] = code;
  put16(&ip[10], ipSum(ip));
  put16(&ip[22], icmpSum(ip));
  return ip;
}

TEST(NatRewrite, IcmpErrorsAreTranslatedWithTheQuotedPacket) {
  PacketMaker make(6);
  for (int i = 0; i < 500; ++i) {
    const uint8_t proto = i % 3 == 0 ? kProtoTcp : i % 3 == 1 ? kProtoUdp : kProtoIcmp;
    const Bytes quoted = make.make(proto, 64);
    // Frag-needed quoting the whole packet, or time exceeded quoting the header and 8 bytes.
    const bool whole = i % 2;
    Bytes ip = icmpError(make, quoted, whole ? quoted.size() : 28, whole ? 3 : 11, whole ? 4 : 0);
    uint8_t qproto;
    NatTuple seen;
    ASSERT_EQ(quotedTuple(ip.data(), ip.size(), &qproto, &seen), NatResult::kOk);
    EXPECT_EQ(qproto, proto);
    EXPECT_EQ(seen.src_addr, get32(&quoted[12]));
    EXPECT_EQ(seen.dst_port, proto == kProtoIcmp ? get16(&quoted[24]) : get16(&quoted[22]));

    const NatTuple to = make.tuple();
    const uint32_t outer_dst = make.u32();
    ASSERT_EQ(natRewriteIcmpError(ip.data(), ip.size(), outer_dst, to), NatResult::kOk);
    EXPECT_EQ(get32(&ip[16]), outer_dst);
    EXPECT_EQ(get16(&ip[10]), ipSum(ip));
    EXPECT_EQ(get16(&ip[22]), icmpSum(ip));
    Bytes q(ip.begin() + 28, ip.end());
    EXPECT_EQ(get32(&q[12]), to.src_addr);
    EXPECT_EQ(get32(&q[16]), to.dst_addr);
    EXPECT_EQ(get16(&q[10]), ipSum(q)) << "quoted IP header checksum";
    if (proto != kProtoIcmp) {
      EXPECT_EQ(get16(&q[20]), to.src_port);
    }
    if (whole && proto != kProtoIcmp) {
      EXPECT_EQ(get16(&q[20 + (proto == kProtoTcp ? 16 : 6)]), l4Sum(q)) << "quoted L4 checksum";
    }
  }
}

TEST(NatRewrite, RefusesWhatItCannotTranslate) {
  PacketMaker make(7);
  Bytes tcp = make.make(kProtoTcp, 0);
  EXPECT_EQ(natRewrite(tcp.data(), 30, make.tuple()), NatResult::kTruncated);
  Bytes gre = make.make(kProtoUdp, 10);
  gre[9] = 47;
  EXPECT_EQ(natRewrite(gre.data(), gre.size(), make.tuple()), NatResult::kUnsupported);
  Bytes err = icmpError(make, make.make(kProtoUdp, 10), 28, 3, 1);
  EXPECT_EQ(natRewrite(err.data(), err.size(), make.tuple()), NatResult::kUnsupported);
  EXPECT_EQ(natRewriteIcmpError(err.data(), 40, 1, make.tuple()), NatResult::kTruncated);
  Bytes echo = make.make(kProtoIcmp, 8);
  uint8_t p;
  NatTuple t;
  EXPECT_EQ(quotedTuple(echo.data(), echo.size(), &p, &t), NatResult::kUnsupported);
}

}  // namespace
}  // namespace vlb::dp
