// Aging with an injected clock: per-state timeouts and the incremental sweep.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "datapath/flow/flow_table.h"
#include "flow_test_util.h"

namespace vlb::dp::flow {
namespace {

using test::snatConnection;
using test::transparentConnection;

constexpr uint32_t kHz = 1000;  // ticks per second in these tests
const TimeoutProfile kProfile = makeTimeoutProfile(TimeoutSeconds{}, kHz);

struct Expired {
  std::vector<std::pair<FlowKey, FlowKey>> connections;  // (original, reply) keys
  auto callback() {
    return
        [this](const FlowEntry& o, const FlowEntry& r) { connections.emplace_back(o.key, r.key); };
  }
};

// Seconds until a connection inserted at 0 in state `s` with protocol `proto` expires.
uint32_t lifetime(TcpState s, uint8_t proto = kIpProtoTcp) {
  auto t = FlowTable::create(FlowTableConfig{4, 4, 1});
  NewConnection c = snatConnection(1, 3000, s);
  c.original.key.proto = c.reply.key.proto = proto;
  EXPECT_EQ(t->insert(c, 0).status, InsertStatus::kOk);
  for (uint32_t sec = 0; sec < 4000; ++sec) {
    Expired x;
    t->expire(sec * kHz, t->entrySlots(), kProfile, x.callback());
    if (!x.connections.empty()) return sec;
  }
  return UINT32_MAX;
}

TEST(FlowAging, EachStateHasItsTimeout) {
  const TimeoutSeconds d;
  EXPECT_EQ(lifetime(TcpState::kSynSent), d.syn);
  EXPECT_EQ(lifetime(TcpState::kSynRecv), d.syn);
  EXPECT_EQ(lifetime(TcpState::kEstablished), d.established);
  EXPECT_EQ(lifetime(TcpState::kFinWait), d.closing);
  EXPECT_EQ(lifetime(TcpState::kCloseWait), d.closing);
  EXPECT_EQ(lifetime(TcpState::kLastAck), d.closing);
  EXPECT_EQ(lifetime(TcpState::kTimeWait), d.time_wait);
  EXPECT_EQ(lifetime(TcpState::kClosed), d.closed);
  EXPECT_EQ(lifetime(TcpState::kEstablished, kIpProtoUdp), d.udp);
  EXPECT_EQ(lifetime(TcpState::kEstablished, kIpProtoIcmp), d.icmp);
}

TEST(FlowAging, TrafficInEitherDirectionKeepsTheConnection) {
  auto t = FlowTable::create(FlowTableConfig{4, 4, 1});
  const InsertResult r = t->insert(snatConnection(1, 3000), 0);
  Expired x;
  const uint32_t idle = kProfile.tcp[size_t(TcpState::kEstablished)];
  t->touch(r.reply, idle - 1);  // only the real talks (a download)
  t->expire(idle + 10, t->entrySlots(), kProfile, x.callback());
  EXPECT_TRUE(x.connections.empty());
  t->expire(2 * idle - 1, t->entrySlots(), kProfile, x.callback());
  ASSERT_EQ(x.connections.size(), 1u);
  // The callback gets the client's direction first, whichever entry the sweep met first.
  EXPECT_EQ(x.connections[0].first, snatConnection(1, 3000).original.key);
  EXPECT_EQ(x.connections[0].second, snatConnection(1, 3000).reply.key);
  EXPECT_EQ(t->connections(), 0u);
}

TEST(FlowAging, PerServiceTimeoutThroughTheCallable) {
  auto t = FlowTable::create(FlowTableConfig{4, 4, 1});
  NewConnection a = snatConnection(1, 3000), b = snatConnection(2, 3001);
  b.service = 9;  // idle timeout 10 s instead of 1800 s
  t->insert(a, 0);
  t->insert(b, 0);
  Expired x;
  auto timeout = [](const FlowEntry& e) { return e.service == 9 ? 10 * kHz : 1800 * kHz; };
  t->expireWith(10 * kHz, t->entrySlots(), timeout, x.callback());
  ASSERT_EQ(x.connections.size(), 1u);
  EXPECT_EQ(x.connections[0].first, b.original.key);
}

TEST(FlowAging, SweepRespectsItsBudgetAndResumes) {
  constexpr uint32_t kConnections = 1000, kBudget = 37;
  auto t = FlowTable::create(FlowTableConfig{kConnections, kConnections, 1});
  for (uint32_t i = 0; i < kConnections; ++i) t->insert(transparentConnection(i), 0);
  Expired x;
  // Nothing due: a call looks at `budget` slots and returns.
  SweepResult s = t->expire(1, kBudget, kProfile, x.callback());
  EXPECT_EQ(s.examined, kBudget);
  EXPECT_EQ(s.expired, 0u);
  EXPECT_EQ(t->sweepCursor(), kBudget);

  const uint32_t later = 2000 * kHz;
  uint32_t calls = 0, examined = 0;
  while (t->connections() > 0 && calls < 1000) {
    s = t->expire(later, kBudget, kProfile, x.callback());
    EXPECT_LE(s.examined, kBudget);
    EXPECT_LE(s.expired, kBudget);
    examined += s.examined;
    ++calls;
  }
  EXPECT_EQ(t->connections(), 0u);
  // Every slot at most once per lap: one lap of the 2000 entry slots expires everything.
  EXPECT_LE(examined, t->entrySlots() + kBudget);
  ASSERT_EQ(x.connections.size(), kConnections);
  std::set<uint16_t> ports;
  for (auto& [o, r] : x.connections) ports.insert(o.sport);
  EXPECT_EQ(ports.size(), kConnections);  // each connection reported exactly once

  // A budget above the slot count still looks at each slot once.
  EXPECT_EQ(t->expire(later, 1u << 30, kProfile, x.callback()).examined, t->entrySlots());
}

TEST(FlowAging, ClockWrapAroundIsHarmless) {
  auto t = FlowTable::create(FlowTableConfig{4, 4, 1});
  const uint32_t start = UINT32_MAX - 1000;
  t->insert(snatConnection(1, 3000, TcpState::kSynSent), start);
  Expired x;
  t->expire(start + 4 * kHz, t->entrySlots(), kProfile, x.callback());  // wrapped, 4 s later
  EXPECT_TRUE(x.connections.empty());
  t->expire(start + 5 * kHz, t->entrySlots(), kProfile, x.callback());
  EXPECT_EQ(x.connections.size(), 1u);
}

TEST(FlowAging, ALastSeenAheadOfTheClockIsNotIdle) {
  auto t = FlowTable::create(FlowTableConfig{4, 4, 1});
  t->insert(snatConnection(1, 3000, TcpState::kSynSent), 100 * kHz);
  Expired x;
  t->expire(1 * kHz, t->entrySlots(), kProfile, x.callback());
  EXPECT_TRUE(x.connections.empty());
}

}  // namespace
}  // namespace vlb::dp::flow
