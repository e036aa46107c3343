#include "datapath/l4/persistence.h"

#include <gtest/gtest.h>

namespace vlb::dp::l4 {
namespace {

TEST(Persistence, RemembersPerServiceAndPrefixUntilItExpires) {
  PersistenceTable t(8);
  t.remember(1, 0xc6336400, 2, /*expires=*/1000, /*now=*/0);
  EXPECT_EQ(t.find(1, 0xc6336400, 999), 2u);
  EXPECT_EQ(t.find(1, 0xc6336400, 1000), PersistenceTable::kNone);  // expired
  EXPECT_EQ(t.find(2, 0xc6336400, 10), PersistenceTable::kNone);   // another service
  EXPECT_EQ(t.find(1, 0xc6336500, 10), PersistenceTable::kNone);   // another prefix
}

TEST(Persistence, ANewDecisionReplacesTheOldAndRefreshes) {
  PersistenceTable t(8);
  t.remember(1, 7, 2, 1000, 0);
  t.remember(1, 7, 5, 3000, 900);
  EXPECT_EQ(t.find(1, 7, 2000), 5u);
}

TEST(Persistence, AFullNeighbourhoodLosesTheEntryClosestToExpiry) {
  PersistenceTable t(4);  // 16 slots: every key shares them all
  for (uint32_t k = 0; k < PersistenceTable::kProbe; ++k) t.remember(0, k, k, 1000 + k, 0);
  for (uint32_t k = 0; k < PersistenceTable::kProbe; ++k) ASSERT_EQ(t.find(0, k, 1), k);
  t.remember(0, 99, 9, 5000, 1);
  EXPECT_EQ(t.find(0, 99, 2), 9u);
  EXPECT_EQ(t.find(0, 0, 2), PersistenceTable::kNone);  // expiring first: replaced
  EXPECT_EQ(t.find(0, 1, 2), 1u);
}

}  // namespace
}  // namespace vlb::dp::l4
