#include "datapath/flow/flow_key.h"

#include <gtest/gtest.h>

#include <bit>
#include <functional>
#include <vector>

#include "datapath/flow/flow_entry.h"
#include "flow_test_util.h"

namespace vlb::dp::flow {
namespace {

using HashFn = std::function<uint64_t(const FlowKey&)>;

// Chi-square of `keys` thrown into 4096 bins by `bin`; about 4095 +- 90 for a uniform hash.
double chiSquare(const std::vector<FlowKey>& keys,
                 const std::function<uint32_t(const FlowKey&)>& bin) {
  std::vector<double> count(4096, 0);
  for (const FlowKey& k : keys) count[bin(k) % 4096] += 1;
  const double expected = double(keys.size()) / 4096;
  double chi = 0;
  for (double c : count) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

// Keys as a load balancer sees them: few clients with sequential ports, or many sequential clients.
std::vector<FlowKey> structuredKeys() {
  std::vector<FlowKey> keys;
  for (uint32_t c = 0; c < 16; ++c) {
    for (uint32_t p = 0; p < 32768; ++p)
      keys.push_back(FlowKey::tcp(test::kClientNet + c, test::kVip, uint16_t(1024 + p), 443));
  }
  for (uint32_t c = 0; c < 1u << 19; ++c)
    keys.push_back(FlowKey::udp(0xc6330000 + c, test::kVip, 5060, 5060));
  return keys;
}

constexpr double kChiLimit = 4095 + 6 * 90.5;  // six standard deviations

TEST(FlowHash, BucketBitsAndSignatureBitsAreUniform) {
  const auto keys = structuredKeys();
  for (uint64_t seed : {0ull, 42ull, 0x9e3779b97f4a7c15ull}) {
    EXPECT_LT(chiSquare(keys, [&](const FlowKey& k) { return uint32_t(flowHash(k, seed)); }),
              kChiLimit);
    EXPECT_LT(chiSquare(keys, [&](const FlowKey& k) { return uint32_t(flowHash(k, seed) >> 32); }),
              kChiLimit);
    EXPECT_LT(chiSquare(keys, [&](const FlowKey& k) { return uint32_t(flowHash(k, seed) >> 52); }),
              kChiLimit);
  }
}

TEST(FlowHash, TheDistributionCheckCatchesABadHash) {
  const auto keys = structuredKeys();
  // A hash that drops the source port, or keeps only the high bits of a plain multiply: both must
  // fail.
  auto no_sport = [](const FlowKey& k) { return k.src ^ k.dst ^ k.dport; };
  EXPECT_GT(chiSquare(keys, no_sport), kChiLimit);
  auto weak = [](const FlowKey& k) { return uint32_t((k.word0() * 0x9e3779b97f4a7c15ull) >> 52); };
  EXPECT_GT(chiSquare(keys, weak), kChiLimit);
}

TEST(FlowHash, EveryInputBitAffectsAboutHalfTheOutput) {
  const FlowKey base = FlowKey::tcp(test::kClientNet + 5, test::kVip, 40000, 443);
  uint8_t raw[16];
  for (int bit = 0; bit < 13 * 8; ++bit) {
    std::memcpy(raw, &base, 16);
    raw[bit / 8] ^= uint8_t(1u << (bit % 8));
    FlowKey flipped;
    std::memcpy(&flipped, raw, 16);
    double changed = 0;
    for (uint64_t seed = 1; seed <= 64; ++seed)
      changed += std::popcount(flowHash(base, seed) ^ flowHash(flipped, seed));
    EXPECT_NEAR(changed / 64, 32, 4) << "input bit " << bit;
  }
}

TEST(FlowKey, EqualityReverseAndIcmpEcho) {
  const FlowKey k = FlowKey::udp(1, 2, 3, 4);
  EXPECT_EQ(k.reversed(), FlowKey::udp(2, 1, 4, 3));
  EXPECT_EQ(k.reversed().reversed(), k);
  EXPECT_FALSE(k == FlowKey::tcp(1, 2, 3, 4));
  const FlowKey e = FlowKey::icmpEcho(1, 2, 77);
  EXPECT_EQ(e.sport, 77);
  EXPECT_EQ(e.dport, 77);
  EXPECT_EQ(e.reversed(), FlowKey::icmpEcho(2, 1, 77));
}

TEST(FlowKey, NatConnectionDirections) {
  const FlowKey client = FlowKey::tcp(test::kClientNet + 9, test::kVip, 50000, 443);
  const NewConnection c =
      natConnection(client, Endpoint{test::kRealNet + 1, 8443}, Endpoint{test::kSnat, 2000});
  EXPECT_EQ(c.original.key, client);
  // A packet rewritten by one direction, answered, is the key of the other direction.
  const Rewrite& o = c.original.rewrite;
  EXPECT_EQ(FlowKey::tcp(o.src, o.dst, o.sport, o.dport).reversed(), c.reply.key);
  const Rewrite& r = c.reply.rewrite;
  EXPECT_EQ(FlowKey::tcp(r.src, r.dst, r.sport, r.dport).reversed(), client);
  // ICMP echo: the translated identifier on both sides.
  const NewConnection e =
      natConnection(FlowKey::icmpEcho(test::kClientNet + 9, test::kVip, 7),
                    Endpoint{test::kRealNet + 1, 1500}, Endpoint{test::kSnat, 1500});
  EXPECT_EQ(e.reply.key, FlowKey::icmpEcho(test::kRealNet + 1, test::kSnat, 1500));
  EXPECT_EQ(e.reply.rewrite.dport, 7);
}

}  // namespace
}  // namespace vlb::dp::flow
