#include "datapath/flow/flow_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "flow_test_util.h"

namespace vlb::dp::flow {
namespace {

using test::snatConnection;
using test::transparentConnection;

std::unique_ptr<FlowTable> makeTable(uint32_t connections, uint32_t embryonic_limit = 0) {
  auto t = FlowTable::create(FlowTableConfig{connections, embryonic_limit, 42});
  EXPECT_NE(t, nullptr);
  return t;
}

TEST(FlowTable, InsertFindsBothDirectionsLinkedToEachOther) {
  auto t = makeTable(16);
  const NewConnection c = snatConnection(7, 40000);
  const InsertResult r = t->insert(c, 100);
  ASSERT_EQ(r.status, InsertStatus::kOk);
  EXPECT_EQ(t->connections(), 1u);

  const uint32_t o = t->lookup(c.original.key);
  const uint32_t p = t->lookup(c.reply.key);
  ASSERT_EQ(o, r.original);
  ASSERT_EQ(p, r.reply);
  EXPECT_EQ(t->entry(o).peer, p);
  EXPECT_EQ(t->entry(p).peer, o);
  EXPECT_EQ(t->entry(o).dir(), FlowDir::kOriginal);
  EXPECT_EQ(t->entry(p).dir(), FlowDir::kReply);

  // What NAT needs: the client's packet leaves SNAT → real, the real's reply leaves VIP → client.
  const FlowEntry& out = t->entry(o);
  EXPECT_EQ(out.rewrite.src, test::kSnat);
  EXPECT_EQ(out.rewrite.sport, 40000);
  EXPECT_EQ(out.rewrite.dst, test::kRealNet + 7);
  EXPECT_EQ(out.egress_port, 1);
  EXPECT_EQ(out.service, 3);
  EXPECT_EQ(out.real, 7);
  EXPECT_EQ(out.last_seen, 100u);
  EXPECT_TRUE(out.flags & kFlowSnat);
  const FlowEntry& back = t->entry(p);
  EXPECT_EQ(back.key, FlowKey::tcp(test::kRealNet + 7, test::kSnat, 443, 40000));
  EXPECT_EQ(back.rewrite.src, test::kVip);
  EXPECT_EQ(back.rewrite.dst, c.original.key.src);
  EXPECT_EQ(back.rewrite.dport, c.original.key.sport);
  EXPECT_EQ(back.egress_port, 0);

  EXPECT_EQ(t->lookup(c.original.key.reversed()), FlowTable::kNoEntry);
}

TEST(FlowTable, EraseFromEitherDirectionRemovesBoth) {
  auto t = makeTable(16);
  const NewConnection a = snatConnection(1, 5000), b = snatConnection(2, 5001);
  ASSERT_EQ(t->insert(a, 0).status, InsertStatus::kOk);
  const InsertResult rb = t->insert(b, 0);
  ASSERT_EQ(rb.status, InsertStatus::kOk);
  t->erase(rb.reply);
  EXPECT_EQ(t->lookup(b.original.key), FlowTable::kNoEntry);
  EXPECT_EQ(t->lookup(b.reply.key), FlowTable::kNoEntry);
  EXPECT_NE(t->lookup(a.original.key), FlowTable::kNoEntry);
  EXPECT_EQ(t->connections(), 1u);
  t->erase(rb.original);  // already gone: nothing happens
  EXPECT_EQ(t->connections(), 1u);
  EXPECT_EQ(t->insert(b, 1).status, InsertStatus::kOk);
}

TEST(FlowTable, InsertIsAllOrNothing) {
  auto t = makeTable(16);
  const NewConnection a = snatConnection(1, 5000);
  ASSERT_EQ(t->insert(a, 0).status, InsertStatus::kOk);
  // Another client whose SNATed reply key collides with a's: refused, and its original key is
  // absent.
  NewConnection b = snatConnection(2, 5000);
  b.reply.key = a.reply.key;
  EXPECT_EQ(t->insert(b, 0).status, InsertStatus::kExists);
  EXPECT_EQ(t->lookup(b.original.key), FlowTable::kNoEntry);
  EXPECT_EQ(t->insert(a, 0).status, InsertStatus::kExists);
  EXPECT_EQ(t->connections(), 1u);
}

TEST(FlowTable, FullTableRefusesAndFreedRoomIsReused) {
  auto t = makeTable(100);
  for (uint32_t i = 0; i < 100; ++i)
    ASSERT_EQ(t->insert(transparentConnection(i), 0).status, InsertStatus::kOk);
  EXPECT_EQ(t->insert(transparentConnection(100), 0).status, InsertStatus::kTableFull);
  t->erase(t->lookup(transparentConnection(50).original.key));
  EXPECT_EQ(t->insert(transparentConnection(100), 0).status, InsertStatus::kOk);
  for (uint32_t i = 0; i <= 100; ++i) {
    EXPECT_EQ(t->lookup(transparentConnection(i).reply.key) != FlowTable::kNoEntry, i != 50) << i;
  }
}

TEST(FlowTable, SynFloodNeverEvictsEstablishedFlows) {
  constexpr uint32_t kCapacity = 1000, kEstablished = 300;
  auto t = makeTable(kCapacity, kCapacity);  // no half-open cap: the flood may fill the table
  for (uint32_t i = 0; i < kEstablished; ++i) {
    ASSERT_EQ(t->insert(transparentConnection(i), 0).status, InsertStatus::kOk);
  }
  uint32_t refused = 0;
  for (uint32_t i = kEstablished; i < 20 * kCapacity; ++i) {
    if (t->insert(transparentConnection(i, TcpState::kSynSent), 1).status != InsertStatus::kOk)
      ++refused;
  }
  EXPECT_EQ(t->connections(), kCapacity);
  EXPECT_EQ(t->embryonic(), kCapacity - kEstablished);
  EXPECT_EQ(refused, 20 * kCapacity - kCapacity);
  for (uint32_t i = 0; i < kEstablished; ++i) {
    const uint32_t e = t->lookup(transparentConnection(i).original.key);
    ASSERT_NE(e, FlowTable::kNoEntry) << i;
    EXPECT_EQ(t->entry(e).tcp_state, TcpState::kEstablished);
  }
  // The flood's half-open entries leave on their short timeout; the established ones stay.
  const TimeoutProfile p = makeTimeoutProfile(TimeoutSeconds{}, 1);
  t->expire(7, t->entrySlots(), p, [](const FlowEntry&, const FlowEntry&) {});
  EXPECT_EQ(t->connections(), kEstablished);
  EXPECT_EQ(t->embryonic(), 0u);
}

TEST(FlowTable, HalfOpenConnectionsAreCapped) {
  auto t = makeTable(100);  // default cap: half
  uint32_t n = 0;
  while (t->insert(transparentConnection(n, TcpState::kSynSent), 0).status == InsertStatus::kOk)
    ++n;
  EXPECT_EQ(n, 50u);
  EXPECT_EQ(t->insert(transparentConnection(n, TcpState::kSynSent), 0).status,
            InsertStatus::kEmbryonicLimit);
  // Room stays for established (loose init) flows, and completing a handshake frees a half-open
  // place.
  EXPECT_EQ(t->insert(transparentConnection(1000), 0).status, InsertStatus::kOk);
  t->setTcpState(t->lookup(transparentConnection(0).reply.key), TcpState::kEstablished);
  EXPECT_EQ(t->embryonic(), 49u);
  EXPECT_EQ(t->insert(transparentConnection(n, TcpState::kSynSent), 0).status, InsertStatus::kOk);
}

TEST(FlowTable, TrackTcpMovesBothDirectionsAndCountsHalfOpen) {
  auto t = makeTable(8);
  const InsertResult r = t->insert(snatConnection(1, 2000, TcpState::kSynSent), 10);
  EXPECT_EQ(t->embryonic(), 1u);
  EXPECT_EQ(t->trackTcp(r.reply, kTcpSyn | kTcpAck, 11), TcpState::kSynRecv);
  EXPECT_EQ(t->trackTcp(r.original, kTcpAck, 12), TcpState::kEstablished);
  EXPECT_EQ(t->entry(r.reply).tcp_state, TcpState::kEstablished);
  EXPECT_EQ(t->entry(r.reply).last_seen, 11u);
  EXPECT_EQ(t->entry(r.original).last_seen, 12u);
  EXPECT_EQ(t->embryonic(), 0u);
  t->erase(r.original);
  EXPECT_EQ(t->embryonic(), 0u);
}

TEST(FlowTable, FillsToCapacityWithoutIndexFailures) {
  // 7/8 of the index slots used at full capacity: the worst load the sizing allows.
  constexpr uint32_t kConnections = 7 * 8192 / 2;
  auto t = makeTable(kConnections);
  for (uint32_t i = 0; i < kConnections; ++i) {
    ASSERT_EQ(t->insert(transparentConnection(i * 7919u % (1u << 24)), 0).status, InsertStatus::kOk)
        << i;
  }
  EXPECT_EQ(t->insert(transparentConnection(0), 0).status, InsertStatus::kExists);
  uint32_t fresh = 1;
  while (t->lookup(transparentConnection(fresh).original.key) != FlowTable::kNoEntry) ++fresh;
  EXPECT_EQ(t->insert(transparentConnection(fresh), 0).status, InsertStatus::kTableFull);
  for (uint32_t i = 0; i < kConnections; ++i) {
    const NewConnection c = transparentConnection(i * 7919u % (1u << 24));
    const uint32_t o = t->lookup(c.original.key);
    ASSERT_NE(o, FlowTable::kNoEntry) << i;
    ASSERT_EQ(t->entry(o).peer, t->lookup(c.reply.key)) << i;
  }
  EXPECT_EQ(t->indexSlotsUsed(), 2u * kConnections);
  for (uint32_t i = 0; i < kConnections; i += 2)
    t->erase(t->lookup(transparentConnection(i * 7919u % (1u << 24)).original.key));
  EXPECT_EQ(t->indexSlotsUsed(), 2u * t->connections());
}

TEST(FlowTable, IndexFullLeavesNothingBehind) {
  // Reply keys crafted to share one pair of buckets: at most 16 fit, then an insert fails after its
  // original direction was placed, and must take that back.
  auto t = makeTable(64);
  auto reply = [](uint16_t port) {
    return FlowKey::tcp(test::kRealNet + 1, test::kSnat, 443, port);
  };
  auto pair = [&](const FlowKey& k) {
    auto [a, b] = t->bucketsOf(k);
    return std::pair(std::min(a, b), std::max(a, b));
  };
  const auto target = pair(reply(1024));
  uint32_t n = 0, inserted = 0;
  InsertResult r{InsertStatus::kOk, 0, 0};
  for (uint16_t port = 1024; port < 60000 && r.status == InsertStatus::kOk; ++port) {
    if (pair(reply(port)) != target) continue;
    NewConnection c = transparentConnection(n++);
    c.reply.key = reply(port);
    r = t->insert(c, 0);
    if (r.status == InsertStatus::kOk) {
      ++inserted;
    } else {
      EXPECT_EQ(t->lookup(c.original.key), FlowTable::kNoEntry);
    }
  }
  EXPECT_EQ(r.status, InsertStatus::kIndexFull);
  EXPECT_LE(inserted, 16u);
  EXPECT_EQ(t->connections(), inserted);
  EXPECT_EQ(t->indexSlotsUsed(), 2u * inserted);
  EXPECT_EQ(t->insert(transparentConnection(1000), 0).status, InsertStatus::kOk);
}

TEST(FlowTable, BatchLookupAgreesWithLookup) {
  auto t = makeTable(1000);
  FlowKey keys[100];
  for (uint32_t i = 0; i < 100; ++i) {
    const NewConnection c = transparentConnection(i);
    if (i % 2) {
      ASSERT_EQ(t->insert(c, 0).status, InsertStatus::kOk);
    }
    keys[i] = i % 4 < 2 ? c.original.key : c.reply.key;
  }
  uint32_t out[100];
  t->lookupBatch(keys, 100, out);
  for (uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(out[i], t->lookup(keys[i]));
    EXPECT_EQ(out[i] != FlowTable::kNoEntry, i % 2 == 1);
  }
}

TEST(FlowTable, MemoryPerDirectionWithinBudget) {
  EXPECT_EQ(sizeof(FlowEntry), 44u);
  for (uint32_t c : {1000u, 1u << 20, (1u << 20) + 1, 7u << 19, 10'000'000u, 1u << 30}) {
    const double per_direction = double(FlowTable::bytesFor(c)) / (2.0 * c);
    EXPECT_LE(per_direction, 64.0) << c;
  }
  EXPECT_LE(FlowTable::bytesFor(10'000'000), size_t(2) << 30);  // 10 M connections in 2 GiB
  auto t = makeTable(1u << 16);
  EXPECT_EQ(t->memoryBytes(), FlowTable::bytesFor(1u << 16));
}

TEST(FlowTable, RefusesCapacityOutOfRange) {
  EXPECT_EQ(FlowTable::create(FlowTableConfig{0, 0, 0}), nullptr);
  EXPECT_EQ(FlowTable::create(FlowTableConfig{FlowTable::kMaxConnections + 1, 0, 0}), nullptr);
}

}  // namespace
}  // namespace vlb::dp::flow
