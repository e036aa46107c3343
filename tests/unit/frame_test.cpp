#include "datapath/packet/frame.h"

#include <gtest/gtest.h>

#include <cstring>

#include "datapath/packet/checksum.h"
#include "packet_builder.h"

namespace vlb::dp {
namespace {

using test::Ipv4Frame;
using test::mac;

const MacAddr kPortMac = mac(1);

FrameVerdict classify(const std::vector<uint8_t>& f) { return classifyFrame(f.data(), f.size(), kPortMac); }

TEST(Checksum, MatchesRfc1071Example) {
  // RFC 1071 section 3 example words: 0001 f203 f4f5 f6f7 → sum ddf2, checksum 220d.
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(onesSum(data, sizeof data), 0xddf2u);
  EXPECT_EQ(internetChecksum(data, sizeof data), 0x220d);
}

TEST(Checksum, IncrementalUpdateEqualsRecomputation) {
  auto f = Ipv4Frame().ttl(64).build();
  uint8_t* ip = f.data() + kEthHeaderLen;
  const uint16_t old_sum = uint16_t(ip[10] << 8 | ip[11]);
  const uint16_t old_word = uint16_t(ip[8] << 8 | ip[9]);
  ip[8] = 63;
  const uint16_t incremental = checksumAdjust(old_sum, old_word, uint16_t(ip[8] << 8 | ip[9]));
  ip[10] = ip[11] = 0;
  EXPECT_EQ(incremental, internetChecksum(ip, 20));
}

TEST(ClassifyFrame, UnicastIpv4IsRouted) {
  const auto v = classify(Ipv4Frame().dst("192.0.2.11").build());
  EXPECT_EQ(v.kind, FrameKind::kIpv4);
  EXPECT_EQ(v.ipv4_dst, test::ipv4("192.0.2.11"));
}

TEST(ClassifyFrame, RuntIsDropped) {
  std::vector<uint8_t> f(10, 0xff);
  EXPECT_EQ(classify(f).drop, DropReason::kRunt);
}

TEST(ClassifyFrame, OtherMacIsDropped) {
  EXPECT_EQ(classify(Ipv4Frame().dstMac(mac(7)).build()).drop, DropReason::kNotForUs);
}

TEST(ClassifyFrame, ArpAndBroadcastArePunted) {
  auto arp = Ipv4Frame().build();
  arp[0] = arp[1] = arp[2] = arp[3] = arp[4] = arp[5] = 0xff;
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_EQ(classify(arp).kind, FrameKind::kPunt);
  auto bcast = Ipv4Frame().dst("255.255.255.255").build();
  EXPECT_EQ(classify(bcast).kind, FrameKind::kPunt);
  EXPECT_EQ(classify(Ipv4Frame().dst("224.0.0.5").build()).kind, FrameKind::kPunt);
}

TEST(ClassifyFrame, OptionsArePunted) {
  EXPECT_EQ(classify(Ipv4Frame().options(1).build()).kind, FrameKind::kPunt);
}

TEST(ClassifyFrame, BadHeadersAreDroppedByReason) {
  auto bad_sum = Ipv4Frame().build();
  bad_sum[kEthHeaderLen + 10] ^= 0xff;
  EXPECT_EQ(classify(bad_sum).drop, DropReason::kBadIpv4Checksum);

  auto short_ihl = Ipv4Frame().build();
  short_ihl[kEthHeaderLen] = 0x44;
  EXPECT_EQ(classify(short_ihl).drop, DropReason::kBadIpv4Header);

  auto v6_in_v4 = Ipv4Frame().build();
  v6_in_v4[kEthHeaderLen] = 0x65;
  EXPECT_EQ(classify(v6_in_v4).drop, DropReason::kBadIpv4Header);

  auto too_long = Ipv4Frame().payload(10).build();
  too_long[kEthHeaderLen + 2] = 0x05;  // total length 1280+ in a 44-byte frame
  EXPECT_EQ(classify(too_long).drop, DropReason::kBadIpv4Length);

  auto truncated = Ipv4Frame().build();
  truncated.resize(kEthHeaderLen + 12);
  EXPECT_EQ(classify(truncated).drop, DropReason::kBadIpv4Length);
}

TEST(ClassifyFrame, EthernetPaddingIsAccepted) {
  auto f = Ipv4Frame().payload(0).build();
  f.resize(60, 0);  // minimum Ethernet frame, padded after a 20-byte packet
  EXPECT_EQ(classify(f).kind, FrameKind::kIpv4);
}

TEST(RewriteForwarded, SetsMacsDecrementsTtlKeepsChecksumValid) {
  auto f = Ipv4Frame().ttl(9).build();
  rewriteForwarded(f.data(), mac(0x10), mac(0x20));
  EXPECT_EQ(0, std::memcmp(f.data(), mac(0x20).bytes, 6));
  EXPECT_EQ(0, std::memcmp(f.data() + 6, mac(0x10).bytes, 6));
  EXPECT_EQ(ipv4Ttl(f.data()), 8);
  EXPECT_TRUE(checksumValid(f.data() + kEthHeaderLen, 20));
}

// --- 802.1Q ---

TEST(ClassifyFrame, TaggedIpv4IsRoutedWithItsVlanAndL3Offset) {
  const auto v = classify(Ipv4Frame().vlan(100, 5).dst("192.0.2.12").build());
  EXPECT_EQ(v.kind, FrameKind::kIpv4);
  EXPECT_EQ(v.ipv4_dst, test::ipv4("192.0.2.12"));
  EXPECT_EQ(v.vlan, 100);
  EXPECT_EQ(v.l3_offset, kTaggedHeaderLen);
  EXPECT_TRUE(v.tagged());
}

TEST(ClassifyFrame, UntaggedHasNoVlanAndOffset14) {
  const auto v = classify(Ipv4Frame().build());
  EXPECT_EQ(v.vlan, 0);
  EXPECT_EQ(v.l3_offset, kEthHeaderLen);
  EXPECT_FALSE(v.tagged());
}

TEST(ClassifyFrame, TaggedArpIsPuntedWithItsVlan) {
  auto f = Ipv4Frame().vlan(4094).build();
  f[16] = 0x08;
  f[17] = 0x06;  // the inner EtherType: ARP
  const auto v = classify(f);
  EXPECT_EQ(v.kind, FrameKind::kPunt);
  EXPECT_EQ(v.vlan, 4094);
  EXPECT_TRUE(v.tagged());
}

TEST(ClassifyFrame, TaggedHeadersAreCheckedAtTheirOffset) {
  auto bad = Ipv4Frame().vlan(7).build();
  bad[kTaggedHeaderLen + 10] ^= 0xff;  // IPv4 checksum
  EXPECT_EQ(classify(bad).drop, DropReason::kBadIpv4Checksum);
  auto cut = Ipv4Frame().vlan(7).build();
  cut.resize(16);  // the tag is cut short
  EXPECT_EQ(classify(cut).drop, DropReason::kRunt);
  auto truncated = Ipv4Frame().vlan(7).build();
  truncated.resize(kTaggedHeaderLen + 12);
  EXPECT_EQ(classify(truncated).drop, DropReason::kBadIpv4Length);
}

TEST(ClassifyFrame, ATagInsideATagIsPunted) {
  auto f = Ipv4Frame().vlan(7).build();
  f[16] = 0x81;
  f[17] = 0x00;
  EXPECT_EQ(classify(f).kind, FrameKind::kPunt);
}

TEST(L3Offset, FollowsTheEtherType) {
  EXPECT_EQ(l3OffsetOf(Ipv4Frame().build().data()), kEthHeaderLen);
  EXPECT_EQ(l3OffsetOf(Ipv4Frame().vlan(3).build().data()), kTaggedHeaderLen);
}

// A frame in a buffer with 4 bytes of room before it, as an mbuf's headroom.
struct Buffer {
  explicit Buffer(const std::vector<uint8_t>& frame) : bytes(4, 0xee) {
    bytes.insert(bytes.end(), frame.begin(), frame.end());
  }
  uint8_t* frame() { return bytes.data() + 4; }
  std::vector<uint8_t> from(const uint8_t* start) const {
    return {start, bytes.data() + bytes.size()};
  }
  std::vector<uint8_t> bytes;
};

// What a routed frame should look like: the expected frame built directly, with new MACs and
// the TTL one lower.
std::vector<uint8_t> expectedRouted(Ipv4Frame f) {
  auto out = f.dstMac(mac(0x20)).ttl(8).build();
  std::memcpy(out.data() + 6, mac(0x10).bytes, 6);
  return out;
}

TEST(RewriteForwardedVlan, PushesATagOntoAnUntaggedFrame) {
  Buffer b(Ipv4Frame().ttl(9).build());
  uint8_t* start = rewriteForwardedVlan(b.frame(), kEthHeaderLen, 200, mac(0x10), mac(0x20));
  EXPECT_EQ(start, b.frame() - 4);
  EXPECT_EQ(b.from(start), expectedRouted(Ipv4Frame().vlan(200)));
}

TEST(RewriteForwardedVlan, PopsTheTagForAnUntaggedEgress) {
  Buffer b(Ipv4Frame().vlan(100).ttl(9).build());
  uint8_t* start = rewriteForwardedVlan(b.frame(), kTaggedHeaderLen, 0, mac(0x10), mac(0x20));
  EXPECT_EQ(start, b.frame() + 4);
  EXPECT_EQ(b.from(start), expectedRouted(Ipv4Frame()));
}

TEST(RewriteForwardedVlan, RewritesTheIdAndKeepsThePriority) {
  Buffer b(Ipv4Frame().vlan(100, 6).ttl(9).build());
  uint8_t* start = rewriteForwardedVlan(b.frame(), kTaggedHeaderLen, 300, mac(0x10), mac(0x20));
  EXPECT_EQ(start, b.frame());
  EXPECT_EQ(b.from(start), expectedRouted(Ipv4Frame().vlan(300, 6)));
  EXPECT_TRUE(checksumValid(start + kTaggedHeaderLen, 20));
}

TEST(RewriteForwardedVlan, UntaggedToUntaggedIsThePlainRewrite) {
  Buffer b(Ipv4Frame().ttl(9).build());
  uint8_t* start = rewriteForwardedVlan(b.frame(), kEthHeaderLen, 0, mac(0x10), mac(0x20));
  EXPECT_EQ(start, b.frame());
  EXPECT_EQ(b.from(start), expectedRouted(Ipv4Frame()));
}

TEST(PopVlanTag, LeavesTheUntaggedFrame) {
  Buffer b(Ipv4Frame().vlan(100).build());
  uint8_t* start = popVlanTag(b.frame());
  EXPECT_EQ(b.from(start), Ipv4Frame().build());
}

}  // namespace
}  // namespace vlb::dp
