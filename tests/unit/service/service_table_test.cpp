#include "datapath/service/service_table.h"

#include <gtest/gtest.h>

namespace vlb::dp {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17;
constexpr uint32_t kVip = 0xcb00710a, kOther = 0xcb00710b;  // 203.0.113.10, .11

TEST(ServiceTable, ExactPortsRangesAndAny) {
  ServiceTable t({{kVip, kTcp, 443, 443, 0},
                  {kVip, kUdp, 50000, 59999, 1},
                  {kVip, kTcp, 80, 80, 2},
                  {kOther, kTcp, 1, 65535, 3},
                  {kVip, kUdp, 3478, 3478, 4}});
  EXPECT_EQ(t.lookup(kVip, kTcp, 443), 0);
  EXPECT_EQ(t.lookup(kVip, kTcp, 80), 2);
  EXPECT_EQ(t.lookup(kVip, kUdp, 3478), 4);
  EXPECT_EQ(t.lookup(kVip, kUdp, 50000), 1);
  EXPECT_EQ(t.lookup(kVip, kUdp, 55555), 1);
  EXPECT_EQ(t.lookup(kVip, kUdp, 59999), 1);
  EXPECT_EQ(t.lookup(kOther, kTcp, 1), 3);
  EXPECT_EQ(t.lookup(kOther, kTcp, 65535), 3);

  EXPECT_EQ(t.lookup(kVip, kTcp, 444), ServiceTable::kNone);
  EXPECT_EQ(t.lookup(kVip, kUdp, 49999), ServiceTable::kNone);
  EXPECT_EQ(t.lookup(kVip, kUdp, 60000), ServiceTable::kNone);
  EXPECT_EQ(t.lookup(kVip, kUdp, 443), ServiceTable::kNone);  // protocol matters
  EXPECT_EQ(t.lookup(kOther, kUdp, 53), ServiceTable::kNone);
  EXPECT_EQ(t.lookup(0xcb00710c, kTcp, 443), ServiceTable::kNone);

  EXPECT_TRUE(t.isVip(kVip));
  EXPECT_TRUE(t.isVip(kOther));
  EXPECT_FALSE(t.isVip(0xcb00710c));
}

TEST(ServiceTable, ManyServicesAllFound) {
  std::vector<ServiceKey> keys;
  for (uint16_t i = 0; i < 5000; ++i)
    keys.push_back({0xcb007100u + (i % 200), uint8_t(i % 2 ? kTcp : kUdp), uint16_t(1000 + i), uint16_t(1000 + i), i});
  ServiceTable t(keys);
  for (const auto& k : keys) ASSERT_EQ(t.lookup(k.vip, k.protocol, k.port_first), k.service);
  EXPECT_EQ(t.lookup(0xcb007100u, kUdp, 999), ServiceTable::kNone);
}

TEST(ServiceTable, EmptyFindsNothing) {
  ServiceTable t({});
  EXPECT_EQ(t.lookup(kVip, kTcp, 443), ServiceTable::kNone);
  EXPECT_FALSE(t.isVip(kVip));
}

}  // namespace
}  // namespace vlb::dp
