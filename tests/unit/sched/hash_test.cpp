// The schedulers' hashes: fixed values (a change would remap every flow on upgrade), spread, and
// avalanche.
#include "datapath/sched/hash.h"

#include <gtest/gtest.h>

#include <bit>
#include <vector>

namespace vlb::dp::sched {
namespace {

TEST(Hash, ValuesAreFixedForever) {
  EXPECT_EQ(mix32(1), 1753845952u);
  EXPECT_EQ(hashSourceV4(0xc6336401), 1262274629u);
  EXPECT_EQ(hashFlowV4(0xc6336401, 0xcb007101, 40000, 443, 6), 2578087473u);
  EXPECT_EQ(hashBytes("192.0.2.10:443", 0), 2034354266u);
  const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(hashSourceV6(a), 1334877420u);
}

TEST(Hash, BytesDependOnEveryByteAndTheSeed) {
  EXPECT_NE(hashBytes("192.0.2.10:443", 0), hashBytes("192.0.2.10:444", 0));
  EXPECT_NE(hashBytes("192.0.2.10:443", 0), hashBytes("192.0.2.10:443", 1));
  EXPECT_NE(hashBytes("a", 0), hashBytes(std::string_view("a\0", 2), 0));
  EXPECT_NE(hashBytes("", 0), hashBytes(std::string_view("\0", 1), 0));
}

TEST(Hash, SequentialSourcesSpreadEvenly) {
  std::vector<int> bucket(64, 0);
  for (uint32_t i = 0; i < 64000; ++i) ++bucket[reduce(hashSourceV4(0xc6336400 + i), 64)];
  for (int b : bucket) EXPECT_NEAR(b, 1000, 150);
}

// Flipping any one input bit flips about half of the output bits.
TEST(Hash, FlowHashAvalanches) {
  uint32_t x = 0x12345678;
  for (int field = 0; field < 4; ++field) {
    for (int bit = 0; bit < (field < 2 ? 32 : 16); ++bit) {
      double flipped = 0;
      for (int trial = 0; trial < 200; ++trial) {
        x = mix32(x + 1);
        uint32_t src = x, dst = mix32(x), sp = x & 0xffff, dp = x >> 16;
        const uint32_t before = hashFlowV4(src, dst, uint16_t(sp), uint16_t(dp), 17);
        (field == 0 ? src : field == 1 ? dst : field == 2 ? sp : dp) ^= 1u << bit;
        flipped += std::popcount(before ^ hashFlowV4(src, dst, uint16_t(sp), uint16_t(dp), 17));
      }
      EXPECT_NEAR(flipped / 200, 16.0, 1.5) << "field " << field << " bit " << bit;
    }
  }
}

}  // namespace
}  // namespace vlb::dp::sched
