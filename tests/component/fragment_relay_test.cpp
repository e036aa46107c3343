// Later IPv4 fragments to a SNAT address through one and through two datapath Workers (real DPDK:
// ring-backed ports with a queue per lcore, hand-off rings between the lcores, workers polled by
// hand). Such a fragment carries no ports, so it cannot be steered to the lcore that owns its
// datagram: it goes round the lcores (datapath/worker/fragment_relay.h). Checked: it is
// translated by the lcore that knows it, whichever lcore received it; the kernel's own fragmented
// datagram to a self IP reaches the kernel whole; one that no lcore knows is counted exactly once
// as fragment_unknown; and no mbuf is lost on the way.
#include <algorithm>

#include "datapath/flow/snat_ports.h"
#include "datapath/l4/l4_engine.h"
#include "datapath/worker/fragment_relay.h"
#include "datapath_fixture.h"
#include "l4_frames.h"

namespace vlb::dp {
namespace {

const uint32_t kClient = ipv4("198.51.100.10");
const uint32_t kReal = ipv4("192.0.2.11");
const uint32_t kExtSelf = ipv4("198.51.100.1"), kIntSelf = ipv4("192.0.2.1");
constexpr size_t kExt = 0, kInt = 1;  // datapath port indexes
constexpr size_t kFragmentData = 32;  // UDP payload bytes of the frames cut into fragments

// A ring-backed port with one rx and one tx queue per lcore.
struct QueuedPort {
  std::vector<rte_ring*> rx, tx;
  uint16_t id = 0;
  MacAddr mac;
};

QueuedPort makeQueuedPort(const std::string& name, unsigned queues) {
  QueuedPort p;
  for (unsigned q = 0; q < queues; ++q) {
    const std::string n = name + "_" + std::to_string(q);
    p.rx.push_back(rte_ring_create((n + "_rx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
    p.tx.push_back(rte_ring_create((n + "_tx").c_str(), 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
    EXPECT_TRUE(p.rx.back() && p.tx.back());
  }
  p.id = startRingPort(name, p.rx.data(), p.tx.data(), queues);
  p.mac = portMac(p.id);
  return p;
}

// `f` made into one fragment of datagram `id`: at `offset8` (8-byte units), more to come or not.
Bytes fragment(Bytes f, uint16_t id, uint16_t offset8, bool more) {
  uint8_t* ip = f.data() + 14;
  put16(ip + 4, id);
  put16(ip + 6, uint16_t((more ? 0x2000 : 0) | offset8));
  put16(ip + 10, 0);
  put16(ip + 10, internetChecksum(ip, 20));
  return f;
}

Bytes firstFragment(const MacAddr& to, const Segment& s, uint16_t id) {
  return fragment(frame(to, s), id, 0, true);
}

// The last fragment of datagram `id` from `src` to `dst`: 40 bytes on, no L4 header.
Bytes laterFragment(const MacAddr& to, uint32_t src, uint32_t dst, uint16_t id) {
  Segment s{src, dst, 0x5a5a, 0xa5a5, 17};  // these bytes are data here, not ports
  s.payload = kFragmentData;
  return fragment(frame(to, s), id, 5, false);
}

// An L4 service "dns" (UDP 53 on the VIP, SNAT automap, one real), the ports "ext" (clients)
// and "int" (the real), and `lcores` datapath Workers with their own L4 engines.
class FragmentRelayTest : public ::testing::Test {
 protected:
  void start(unsigned lcores, unsigned handoff_ring_size = 64) {
    static int instance = 0;
    const std::string n = "frag" + std::to_string(instance++);
    ext_ = makeQueuedPort(n + "ext", lcores);
    int_ = makeQueuedPort(n + "int", lcores);

    services_ = std::make_unique<l4::Services>(std::vector<ServiceKey>{{kVip, 17, 53, 53, 0}});
    services_->port_self_ip = {kExtSelf, kIntSelf};
    services_->timeouts = flow::makeTimeoutProfile({}, 1000);
    l4::Service dns;
    dns.name = "dns", dns.vip = kVip, dns.protocol = 17, dns.port_first = dns.port_last = 53;
    dns.idle_ticks = 60000;
    std::string error;
    const std::vector<sched::Real> reals = {{"192.0.2.11:53", 1, true}};
    dns.scheduler = sched::Table::build(sched::Kind::kRr, reals, nullptr, &error);
    ASSERT_TRUE(dns.scheduler) << error;
    dns.reals = {{kReal, 53}};
    services_->list.push_back(std::move(dns));
    services_->vips = {kVip};
    services_->snat_addresses = {kIntSelf, kExtSelf};
    std::sort(services_->snat_addresses.begin(), services_->snat_addresses.end());
    services_->local_addresses = {kIntSelf, kExtSelf, kVip};
    std::sort(services_->local_addresses.begin(), services_->local_addresses.end());
    services_ptr_.store(services_.get());

    KernelTables tables;
    tables.routes.push_back({ipv4("198.51.100.0"), 24, 0, kExtTwin, RouteType::kUnicast});
    tables.routes.push_back({ipv4("192.0.2.0"), 24, 0, kIntTwin, RouteType::kUnicast});
    tables.addresses.push_back({kExtSelf, 24, kExtTwin});
    tables.addresses.push_back({kIntSelf, 24, kIntTwin});
    tables.addresses.push_back({kVip, 32, kExtTwin});
    tables.neighbours.push_back({kReal, kIntTwin, kReal1Mac, NeighbourState::kReachable});
    tables.neighbours.push_back({kClient, kExtTwin, kClientMac, NeighbourState::kReachable});
    const auto plan = planFib(tables, [](int ifindex) -> std::optional<uint16_t> {
      if (ifindex == kExtTwin) return 0;
      if (ifindex == kIntTwin) return 1;
      return std::nullopt;
    });
    fib_holder_ = Fib::build(plan, &error);
    ASSERT_TRUE(fib_holder_) << error;
    fib_.store(fib_holder_.get());

    if (lcores > 1)
      for (unsigned i = 0; i < lcores; ++i)
        handoff_.push_back(rte_ring_create((n + "_handoff" + std::to_string(i)).c_str(),
                                           handoff_ring_size, SOCKET_ID_ANY, RING_F_SC_DEQ));
    for (unsigned i = 0; i < lcores; ++i) {
      const std::string id = n + "_" + std::to_string(i);
      punt_.push_back(rte_ring_create((id + "_punt").c_str(), 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
      inject_.push_back(rte_ring_create((id + "_inject").c_str(), 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
      engines_.push_back(l4::Engine::create(i, lcores, 1024));
      ASSERT_TRUE(engines_.back() && engines_.back()->prepare(*services_));
      WorkerSetup setup;
      setup.index = i;
      setup.ports = {{ext_.id, ext_.mac}, {int_.id, int_.mac}};
      setup.punt_ring = punt_.back();
      setup.inject_ring = inject_.back();
      setup.fib = &fib_;
      setup.stop = &stop_;
      setup.l4 = engines_.back().get();
      setup.services = &services_ptr_;
      setup.handoff = handoff_;
      workers_.push_back(std::make_unique<Worker>(setup));
    }
  }

  void TearDown() override {
    std::vector<rte_ring*> rings = punt_;
    for (auto* list : {&inject_, &handoff_, &ext_.rx, &ext_.tx, &int_.rx, &int_.tx})
      rings.insert(rings.end(), list->begin(), list->end());
    for (auto* r : rings) drainRing(r);
    if (!ext_.rx.empty()) stopPort(ext_.id);
    if (!int_.rx.empty()) stopPort(int_.id);
    workers_.clear();
    for (auto* r : rings) rte_ring_free(r);
    EXPECT_EQ(rte_mempool_in_use_count(g_pool), 0u) << "every mbuf went back to the pool";
  }

  // `frame` arrives on `port`'s queue of `lcore`; then every worker polls until all is done.
  void receive(QueuedPort& port, unsigned lcore, const Bytes& f) {
    rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
    ASSERT_TRUE(m);
    std::memcpy(rte_pktmbuf_append(m, uint16_t(f.size())), f.data(), f.size());
    ASSERT_EQ(rte_ring_enqueue(port.rx[lcore], m), 0);
    settle();
  }

  // Polls the workers in turn until a whole round finds nothing to do (at most 16 rounds).
  void settle() {
    for (int round = 0; round < 16; ++round) {
      unsigned handled = 0;
      for (auto& w : workers_) handled += w->poll();
      if (handled == 0) return;
    }
    ADD_FAILURE() << "the workers still had packets after 16 rounds";
  }

  static std::vector<Bytes> drainRing(rte_ring* r) {
    std::vector<Bytes> out;
    void* obj;
    while (r && rte_ring_dequeue(r, &obj) == 0) {
      auto* m = static_cast<rte_mbuf*>(obj);
      const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
      out.emplace_back(d, d + m->data_len);
      rte_pktmbuf_free(m);
    }
    return out;
  }

  // Every frame sent out of `port`, on any queue.
  static std::vector<Bytes> sent(const QueuedPort& port) {
    std::vector<Bytes> out;
    for (auto* r : port.tx)
      for (auto& f : drainRing(r)) out.push_back(std::move(f));
    return out;
  }

  size_t punted() {
    size_t n = 0;
    for (auto* r : punt_) n += drainRing(r).size();
    return n;
  }

  // Summed over the lcores (as `show interfaces` does).
  uint64_t drops(size_t port, DropReason r) const {
    uint64_t n = 0;
    for (const auto& w : workers_) n += w->counters(port).drops[size_t(r)].get();
    return n;
  }
  uint64_t allDrops() const {
    PortCountersSnapshot total;
    for (const auto& w : workers_)
      for (size_t p : {kExt, kInt}) total.accumulate(w->counters(p));
    return total.dropped();
  }
  uint64_t handedOff() const {
    uint64_t n = 0;
    for (const auto& w : workers_) n += w->counters(kExt).handed_off.get() + w->counters(kInt).handed_off.get();
    return n;
  }

  // A client's datagram to the VIP opens a flow (on the lcore owning the client): the SNAT port
  // the real sees, and the lcore that allocated it.
  uint16_t openFlow(uint16_t client_port) {
    Segment s{kClient, kVip, client_port, 53, 17};
    s.payload = kFragmentData;
    receive(ext_, 0, frame(ext_.mac, s));
    const auto out = sent(int_);
    EXPECT_EQ(out.size(), 1u);
    if (out.size() != 1) return 0;
    expectPacket(out[0], kReal1Mac, kIntSelf, get16(out[0].data() + 14 + 20), kReal, 53);
    return get16(out[0].data() + 14 + 20);
  }

  // A later fragment of the real's answer leaving for the client, translated, data untouched.
  void expectTranslated(const std::vector<Bytes>& out, const Bytes& in) {
    ASSERT_EQ(out.size(), 1u);
    const uint8_t* ip = out[0].data() + 14;
    EXPECT_EQ(0, std::memcmp(out[0].data(), kClientMac.bytes, 6));
    EXPECT_EQ(get32(ip + 12), kVip);
    EXPECT_EQ(get32(ip + 16), kClient);
    EXPECT_EQ(get16(ip + 6), 5) << "still the last fragment at offset 40";
    EXPECT_TRUE(checksumValid(ip, 20));
    ASSERT_EQ(out[0].size(), in.size());
    EXPECT_TRUE(std::equal(in.begin() + 34, in.end(), out[0].begin() + 34)) << "data untouched";
  }

  QueuedPort ext_, int_;
  std::vector<rte_ring*> punt_, inject_, handoff_;
  std::unique_ptr<l4::Services> services_;
  std::atomic<const l4::Services*> services_ptr_{nullptr};
  std::unique_ptr<Fib> fib_holder_;
  std::atomic<const Fib*> fib_{nullptr};
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<l4::Engine>> engines_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

TEST(FragmentRound, VisitsEveryOtherLcoreOnceThenEnds) {
  for (uint32_t lcores = 2; lcores <= 5; ++lcores) {
    for (uint32_t origin = 0; origin < lcores; ++origin) {
      std::vector<int> visits(lcores, 0);
      uint32_t at = origin, hops = 0;
      while (at != kRoundOver && hops <= lcores) {
        ++visits[at];
        at = nextInRound(at, origin, lcores);
        ++hops;
      }
      EXPECT_EQ(hops, lcores) << lcores << " lcores from " << origin;
      for (int v : visits) EXPECT_EQ(v, 1);
    }
  }
  EXPECT_EQ(nextInRound(0, 0, 1), kRoundOver) << "one lcore: no round";
  EXPECT_EQ(nextInRound(0, 7, 2), kRoundOver) << "an origin out of range ends the round";
  EXPECT_EQ(fragmentRelayOrigin(fragmentRelayMark(3)), 3u);
  EXPECT_TRUE(isFragmentRelay(fragmentRelayMark(0)));
  EXPECT_FALSE(isFragmentRelay(kPuntToRoute));
}

// (a) No lcore knows the datagram: one drop, fragment_unknown, on the port it came in by,
// whichever lcore received it; nothing sent, nothing punted.
TEST_F(FragmentRelayTest, TwoLcoresCountAnUnknownLaterFragmentOnce) {
  start(2);
  for (unsigned lcore = 0; lcore < 2; ++lcore) {
    receive(int_, lcore, laterFragment(int_.mac, kReal, kIntSelf, uint16_t(0x9990 + lcore)));
    EXPECT_EQ(drops(kInt, DropReason::kFragmentUnknown), lcore + 1) << "received on lcore " << lcore;
    EXPECT_EQ(allDrops(), lcore + 1);
    EXPECT_EQ(handedOff(), lcore + 1) << "tried on the other lcore too";
    EXPECT_TRUE(sent(ext_).empty());
    EXPECT_TRUE(sent(int_).empty());
    EXPECT_EQ(punted(), 0u);
  }
  // Through the other port, to its self IP (also an automap SNAT address).
  receive(ext_, 1, laterFragment(ext_.mac, kClient, kExtSelf, 0x9999));
  EXPECT_EQ(drops(kExt, DropReason::kFragmentUnknown), 1u);
  EXPECT_EQ(allDrops(), 3u);
}

// (b) The real's answer to the SNAT address, fragmented: the first fragment reaches the lcore
// owning the SNAT port (directly or handed over); the later one arrives on either lcore and is
// translated by the owner. Nothing is counted as dropped.
TEST_F(FragmentRelayTest, TwoLcoresTranslateALaterFragmentWhereverItArrives) {
  start(2);
  const uint16_t snat_port = openFlow(5353);
  ASSERT_NE(snat_port, 0);
  const unsigned owner = flow::ownerLcore(snat_port, 2);
  ASSERT_LT(owner, 2u);
  Segment answer{kReal, kIntSelf, 53, snat_port, 17};
  answer.payload = kFragmentData;
  uint16_t id = 0x4000;
  for (unsigned first_on = 0; first_on < 2; ++first_on) {
    for (unsigned later_on = 0; later_on < 2; ++later_on, ++id) {
      SCOPED_TRACE("first fragment on lcore " + std::to_string(first_on) + ", later on " +
                   std::to_string(later_on) + ", owner " + std::to_string(owner));
      receive(int_, first_on, firstFragment(int_.mac, answer, id));
      const auto first_out = sent(ext_);
      ASSERT_EQ(first_out.size(), 1u);
      expectPacket(first_out[0], kClientMac, kVip, 53, kClient, 5353);
      const Bytes later = laterFragment(int_.mac, kReal, kIntSelf, id);
      receive(int_, later_on, later);
      expectTranslated(sent(ext_), later);
      EXPECT_TRUE(sent(int_).empty());
      EXPECT_EQ(punted(), 0u);
      EXPECT_EQ(allDrops(), 0u);
    }
  }
  EXPECT_EQ(engines_[owner]->service(0).packets_out.get(), 4u) << "the first fragments";
}

// Both fragments in one burst on the lcore that does not own the SNAT port: the first is handed
// to the owner before the later one sets off round the lcores, so the owner knows it in time.
TEST_F(FragmentRelayTest, TwoLcoresKeepTheOrderOfFragmentsOfOneBurst) {
  start(2);
  const uint16_t snat_port = openFlow(5354);
  ASSERT_NE(snat_port, 0);
  const unsigned other = 1 - flow::ownerLcore(snat_port, 2);
  Segment answer{kReal, kIntSelf, 53, snat_port, 17};
  answer.payload = kFragmentData;
  const Bytes later = laterFragment(int_.mac, kReal, kIntSelf, 0x5000);
  for (const Bytes& f : {firstFragment(int_.mac, answer, 0x5000), later}) {
    rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
    ASSERT_TRUE(m);
    std::memcpy(rte_pktmbuf_append(m, uint16_t(f.size())), f.data(), f.size());
    ASSERT_EQ(rte_ring_enqueue(int_.rx[other], m), 0);
  }
  settle();
  const auto out = sent(ext_);
  ASSERT_EQ(out.size(), 2u);
  expectPacket(out[0], kClientMac, kVip, 53, kClient, 5354);
  expectTranslated({out[1]}, later);
  EXPECT_EQ(allDrops(), 0u);
}

// The kernel's own datagram to a self IP (which is also an automap SNAT address), from a port in
// the kernel's range: the first fragment goes to the kernel as it is, and so does the later one,
// whichever lcore receives it (before, with several lcores, it was lost without a count).
TEST_F(FragmentRelayTest, TwoLcoresHandTheKernelsOwnFragmentsToTheKernel) {
  start(2);
  Segment big{kClient, kExtSelf, 53, 40000, 17};  // e.g. a large DNS answer to the appliance
  big.payload = kFragmentData;
  uint16_t id = 0x6000;
  for (unsigned first_on = 0; first_on < 2; ++first_on) {
    for (unsigned later_on = 0; later_on < 2; ++later_on, ++id) {
      receive(ext_, first_on, firstFragment(ext_.mac, big, id));
      receive(ext_, later_on, laterFragment(ext_.mac, kClient, kExtSelf, id));
      EXPECT_EQ(punted(), 2u) << "first on " << first_on << ", later on " << later_on;
      EXPECT_EQ(allDrops(), 0u);
    }
  }
  EXPECT_TRUE(sent(ext_).empty());
  EXPECT_TRUE(sent(int_).empty());
}

// Three lcores: an unknown later fragment is tried on all three (two hand-offs) and counted once;
// a known one is translated by the owner wherever it arrives, found on the way round.
TEST_F(FragmentRelayTest, ThreeLcoresTryEveryLcoreOnce) {
  start(3);
  for (unsigned lcore = 0; lcore < 3; ++lcore) {
    receive(int_, lcore, laterFragment(int_.mac, kReal, kIntSelf, uint16_t(0x9990 + lcore)));
    EXPECT_EQ(drops(kInt, DropReason::kFragmentUnknown), lcore + 1) << "received on lcore " << lcore;
    EXPECT_EQ(handedOff(), 2 * (lcore + 1));
  }
  EXPECT_EQ(allDrops(), 3u);
  EXPECT_EQ(punted(), 0u);

  const uint16_t snat_port = openFlow(5356);
  ASSERT_NE(snat_port, 0);
  Segment answer{kReal, kIntSelf, 53, snat_port, 17};
  answer.payload = kFragmentData;
  for (unsigned later_on = 0; later_on < 3; ++later_on) {
    const uint16_t id = uint16_t(0x4100 + later_on);
    receive(int_, 0, firstFragment(int_.mac, answer, id));
    EXPECT_EQ(sent(ext_).size(), 1u);
    const Bytes later = laterFragment(int_.mac, kReal, kIntSelf, id);
    receive(int_, later_on, later);
    expectTranslated(sent(ext_), later);
  }
  EXPECT_EQ(allDrops(), 3u) << "only the unknown fragments";
}

// The next lcore's hand-off ring is full: the fragment is counted once, as handoff_full.
TEST_F(FragmentRelayTest, TwoLcoresCountAFragmentThatCannotBeHandedOnAsHandoffFull) {
  start(2, 2);  // a ring of 2 holds one packet
  rte_mbuf* filler = rte_pktmbuf_alloc(g_pool);
  ASSERT_TRUE(filler);
  ASSERT_EQ(rte_ring_enqueue(handoff_[1], filler), 0);
  rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
  const Bytes f = laterFragment(int_.mac, kReal, kIntSelf, 0x7000);
  std::memcpy(rte_pktmbuf_append(m, uint16_t(f.size())), f.data(), f.size());
  ASSERT_EQ(rte_ring_enqueue(int_.rx[0], m), 0);
  workers_[0]->poll();  // lcore 1 does not poll: its ring stays full
  EXPECT_EQ(drops(kInt, DropReason::kHandoffFull), 1u);
  EXPECT_EQ(allDrops(), 1u);
  EXPECT_EQ(handedOff(), 0u);
  void* back = nullptr;
  ASSERT_EQ(rte_ring_dequeue(handoff_[1], &back), 0);
  EXPECT_EQ(back, filler);
  rte_pktmbuf_free(filler);
}

// (c) One lcore: an unknown later fragment to a SNAT address is a counted drop; the kernel's own
// fragmented datagram still reaches it; a translated datagram's later fragment is translated.
TEST_F(FragmentRelayTest, OneLcoreCountsAnUnknownLaterFragment) {
  start(1);
  receive(int_, 0, laterFragment(int_.mac, kReal, kIntSelf, 0x9999));
  EXPECT_EQ(drops(kInt, DropReason::kFragmentUnknown), 1u);
  EXPECT_EQ(allDrops(), 1u);
  EXPECT_EQ(punted(), 0u);
  EXPECT_TRUE(sent(ext_).empty());

  Segment big{kClient, kExtSelf, 53, 40000, 17};
  big.payload = kFragmentData;
  receive(ext_, 0, firstFragment(ext_.mac, big, 0x6000));
  receive(ext_, 0, laterFragment(ext_.mac, kClient, kExtSelf, 0x6000));
  EXPECT_EQ(punted(), 2u);
  EXPECT_EQ(allDrops(), 1u);

  const uint16_t snat_port = openFlow(5355);
  Segment answer{kReal, kIntSelf, 53, snat_port, 17};
  answer.payload = kFragmentData;
  receive(int_, 0, firstFragment(int_.mac, answer, 0x4000));
  EXPECT_EQ(sent(ext_).size(), 1u);
  const Bytes later = laterFragment(int_.mac, kReal, kIntSelf, 0x4000);
  receive(int_, 0, later);
  expectTranslated(sent(ext_), later);
  EXPECT_EQ(allDrops(), 1u);
}

}  // namespace
}  // namespace vlb::dp
