#include "datapath/packet/frame.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vlb::dp
