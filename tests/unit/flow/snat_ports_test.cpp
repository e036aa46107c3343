#include "datapath/flow/snat_ports.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "datapath/flow/flow_key.h"
#include "flow_test_util.h"

namespace vlb::dp::flow {
namespace {

using test::kRealNet;
using test::kSnat;

TEST(SnatPorts, LcoreRangesTileThePortSpaceAndOwnerRoundTrips) {
  for (uint32_t n : {1u, 2u, 3u, 7u, 8u, 64u, 1000u, kSnatPortCount}) {
    uint32_t next = kSnatFirstPort;
    for (uint32_t i = 0; i < n; ++i) {
      const PortRange r = lcorePortRange(i, n);
      ASSERT_EQ(r.first, next) << n << " " << i;
      ASSERT_GE(r.size(), kSnatPortCount / n);
      ASSERT_LE(r.size(), kSnatPortCount / n + 1);
      for (uint32_t p = r.first; p <= r.last; p += (n < 64 ? 97 : 1)) {
        ASSERT_EQ(ownerLcore(uint16_t(p), n), i) << n << " " << p;
      }
      ASSERT_EQ(ownerLcore(r.first, n), i);
      ASSERT_EQ(ownerLcore(r.last, n), i);
      next = r.last + 1u;
    }
    EXPECT_EQ(next, kSnatLastPort + 1u) << n;
    EXPECT_EQ(ownerLcore(1023, n), n);
    EXPECT_EQ(ownerLcore(kSnatLastPort + 1, n), n);  // the kernel's ephemeral ports
  }
  EXPECT_EQ(lcorePortRange(3, 3).size(), 0u);
  EXPECT_EQ(lcorePortRange(0, 0).size(), 0u);
}

TEST(SnatPorts, AllocatesOnlyFromItsOwnRange) {
  auto a = SnatPortAllocator::create({2, 4, 4, 2});
  ASSERT_NE(a, nullptr);
  const PortRange r = lcorePortRange(2, 4);
  EXPECT_EQ(a->range().first, r.first);
  for (int i = 0; i < 5000; ++i) {
    const uint16_t p = a->allocate(kSnat, kIpProtoTcp, kRealNet + i % 5, 443);
    ASSERT_NE(p, SnatPortAllocator::kNone);
    ASSERT_EQ(ownerLcore(p, 4), 2u);
  }
}

TEST(SnatPorts, NoCollisionUnderChurn) {
  auto a = SnatPortAllocator::create({1, 8, 4, 4});
  ASSERT_NE(a, nullptr);
  using Tuple = std::tuple<uint32_t, uint8_t, uint32_t, uint16_t,
                           uint16_t>;  // snat, proto, real, rport, port
  std::set<Tuple> live;
  std::vector<Tuple> order;
  std::mt19937 rng(7);
  const uint8_t protos[] = {kIpProtoTcp, kIpProtoUdp};
  uint32_t exhausted = 0;
  for (int i = 0; i < 100000; ++i) {
    if (!order.empty() && rng() % 100 < 45) {  // free a random live one
      const size_t k = rng() % order.size();
      const auto [s, pr, ra, rp, port] = order[k];
      ASSERT_TRUE(a->release(s, pr, ra, rp, port));
      ASSERT_FALSE(a->release(s, pr, ra, rp, port));  // not twice
      live.erase(order[k]);
      order[k] = order.back();
      order.pop_back();
    } else {
      const uint32_t snat = kSnat + rng() % 3;
      const uint8_t proto = protos[rng() % 2];
      const uint32_t real = kRealNet + rng() % 4;
      const uint16_t rport = rng() % 2 ? 443 : 80;
      const uint16_t port = a->allocate(snat, proto, real, rport);
      if (port == SnatPortAllocator::kNone) {
        ++exhausted;
        continue;
      }
      const Tuple t{snat, proto, real, rport, port};
      ASSERT_TRUE(live.insert(t).second) << "port " << port << " handed out twice";
      order.push_back(t);
    }
    ASSERT_EQ(a->inUse(), live.size());
  }
  EXPECT_GT(live.size(), 1000u);
  EXPECT_EQ(exhausted, 0u);
}

TEST(SnatPorts, NoCollisionWhenNearlyFull) {
  auto a = SnatPortAllocator::create({3, 8, 1, 1});  // 8064 ports: a two-word summary
  ASSERT_NE(a, nullptr);
  const uint32_t size = a->range().size();
  std::vector<uint16_t> live;
  std::set<uint16_t> seen;
  for (uint32_t i = 0; i < size; ++i) {
    live.push_back(a->allocate(kSnat, kIpProtoTcp, kRealNet, 443));
    ASSERT_TRUE(seen.insert(live.back()).second);
  }
  std::mt19937 rng(11);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(a->allocate(kSnat, kIpProtoTcp, kRealNet, 443), SnatPortAllocator::kNone);
    const uint32_t frees = 1 + rng() % 3;
    for (uint32_t f = 0; f < frees; ++f) {
      const size_t k = rng() % live.size();
      ASSERT_TRUE(a->release(kSnat, kIpProtoTcp, kRealNet, 443, live[k]));
      seen.erase(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
    for (uint32_t f = 0; f < frees; ++f) {
      const uint16_t p = a->allocate(kSnat, kIpProtoTcp, kRealNet, 443);
      ASSERT_NE(p, SnatPortAllocator::kNone);
      ASSERT_TRUE(seen.insert(p).second) << "port " << p << " handed out twice";
      ASSERT_EQ(ownerLcore(p, 8), 3u);
      live.push_back(p);
    }
  }
}

TEST(SnatPorts, ExhaustionReturnsNoneUntilAPortIsFreed) {
  constexpr uint32_t kLcores = 1000;
  auto a = SnatPortAllocator::create({5, kLcores, 2, 1});
  ASSERT_NE(a, nullptr);
  const uint32_t size = a->range().size();
  std::set<uint16_t> got;
  for (uint32_t i = 0; i < size; ++i) {
    const uint16_t p = a->allocate(kSnat, kIpProtoUdp, kRealNet, 53);
    ASSERT_NE(p, SnatPortAllocator::kNone);
    got.insert(p);
  }
  EXPECT_EQ(got.size(), size);
  EXPECT_EQ(a->allocate(kSnat, kIpProtoUdp, kRealNet, 53), SnatPortAllocator::kNone);
  // Other protocols and SNAT addresses have their own ports.
  EXPECT_NE(a->allocate(kSnat, kIpProtoTcp, kRealNet, 53), SnatPortAllocator::kNone);
  EXPECT_NE(a->allocate(kSnat + 1, kIpProtoUdp, kRealNet, 53), SnatPortAllocator::kNone);
  // Both address slots are taken: a third address gets nothing.
  EXPECT_EQ(a->allocate(kSnat + 2, kIpProtoUdp, kRealNet, 53), SnatPortAllocator::kNone);
  const uint16_t freed = *std::next(got.begin(), 17);
  ASSERT_TRUE(a->release(kSnat, kIpProtoUdp, kRealNet, 53, freed));
  EXPECT_EQ(a->allocate(kSnat, kIpProtoUdp, kRealNet, 53), freed);
  EXPECT_EQ(a->allocate(kSnat, 99, kRealNet, 0), SnatPortAllocator::kNone);  // unknown protocol
}

TEST(SnatPorts, GroupsMultiplyThePortsOfAnAddress) {
  auto a = SnatPortAllocator::create({0, 1000, 1, 16});  // 64 or 65 ports per group
  ASSERT_NE(a, nullptr);
  uint32_t total = 0;
  for (uint32_t real = 0; real < 16; ++real) {  // 16 consecutive reals: a group each
    while (a->allocate(kSnat, kIpProtoTcp, kRealNet + real, 443) != SnatPortAllocator::kNone)
      ++total;
  }
  EXPECT_EQ(total, 16 * a->range().size());
}

TEST(SnatPorts, NextFitDelaysReuse) {
  auto a = SnatPortAllocator::create({0, 1, 1, 1});
  const uint16_t first = a->allocate(kSnat, kIpProtoTcp, kRealNet, 443);
  ASSERT_TRUE(a->release(kSnat, kIpProtoTcp, kRealNet, 443, first));
  EXPECT_EQ(a->allocate(kSnat, kIpProtoTcp, kRealNet, 443), first + 1);
}

TEST(SnatPorts, IdleAddressSlotIsReused) {
  auto a = SnatPortAllocator::create({0, 1, 1, 1});
  const uint16_t p = a->allocate(kSnat, kIpProtoTcp, kRealNet, 443);
  EXPECT_EQ(a->allocate(kSnat + 1, kIpProtoTcp, kRealNet, 443), SnatPortAllocator::kNone);
  ASSERT_TRUE(a->release(kSnat, kIpProtoTcp, kRealNet, 443, p));
  EXPECT_NE(a->allocate(kSnat + 1, kIpProtoTcp, kRealNet, 443), SnatPortAllocator::kNone);
  EXPECT_FALSE(a->release(kSnat, kIpProtoTcp, kRealNet, 443, p));  // that address is gone
}

TEST(SnatPorts, MemoryIsWhatTheHeaderSays) {
  const SnatPortAllocatorConfig c{0, 1, 64, 16};
  const size_t bytes = SnatPortAllocator::bytesFor(c);
  // A bitmap of the range and its summary per (address, protocol, group).
  EXPECT_GT(bytes, 64u * 3 * 16 * (kSnatPortCount / 8));
  EXPECT_LT(bytes, 64u * 3 * 16 * (kSnatPortCount / 8 + 200));
  EXPECT_EQ(SnatPortAllocator::create(c)->memoryBytes(), bytes);
  EXPECT_EQ(SnatPortAllocator::create({0, 1, 0, 16}), nullptr);
  EXPECT_EQ(SnatPortAllocator::create({4, 4, 64, 16}), nullptr);
}

}  // namespace
}  // namespace vlb::dp::flow
