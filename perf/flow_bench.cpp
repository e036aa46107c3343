// Google Benchmark of the per-lcore flow table and SNAT port allocator (datapath/flow). Not a test:
// nothing asserts a time. Table: 1 M connections (2 M entries) in a table sized for 2 M
// connections.
//   build/perf/flow_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "datapath/flow/flow_table.h"
#include "datapath/flow/snat_ports.h"

namespace {

using namespace vlb::dp::flow;

constexpr uint32_t kCapacity = 2'000'000;
constexpr uint32_t kLive = 1'000'000;
constexpr uint32_t kSnat = 0xcb007114;  // 203.0.113.20

// Random clients to a VIP towards 16 reals; connection n is SNATed to a port of its own.
NewConnection randomConnection(std::mt19937_64& rng, uint32_t n) {
  const uint64_t r = rng();
  const FlowKey k = FlowKey::tcp(uint32_t(r), 0xcb00710a, uint16_t(r >> 32), 443);
  const Endpoint snat{kSnat + n / 64512, uint16_t(1024 + n % 64512)};
  NewConnection c = natConnection(k, Endpoint{0xc0000200 + uint32_t(r >> 48) % 16, 443}, snat);
  c.flags = kFlowSnat;
  return c;
}

struct Loaded {
  std::unique_ptr<FlowTable> table = FlowTable::create(FlowTableConfig{kCapacity, 0, 0x5eed});
  std::vector<FlowKey> hits;    // both directions of every live connection, in random order
  std::vector<FlowKey> misses;  // keys of no connection
  std::vector<NewConnection> fresh;

  Loaded() {
    std::mt19937_64 rng(1);
    uint32_t n = 0;
    while (table->connections() < kLive) {
      const NewConnection c = randomConnection(rng, n++);
      if (table->insert(c, 0).status != InsertStatus::kOk) continue;
      hits.push_back(c.original.key);
      hits.push_back(c.reply.key);
    }
    std::shuffle(hits.begin(), hits.end(), rng);
    for (uint32_t i = 0; i < (1u << 20); ++i) {
      const NewConnection c = randomConnection(rng, n++);
      if (table->lookup(c.original.key) != FlowTable::kNoEntry) continue;
      misses.push_back(c.original.key);
      if (fresh.size() < (1u << 16)) fresh.push_back(c);
    }
  }
};

Loaded& loaded() {
  static Loaded l;
  return l;
}

void BM_LookupHit(benchmark::State& state) {
  Loaded& l = loaded();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(l.table->lookup(l.hits[i]));
    if (++i == l.hits.size()) i = 0;
  }
}
BENCHMARK(BM_LookupHit);

void BM_LookupMiss(benchmark::State& state) {
  Loaded& l = loaded();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(l.table->lookup(l.misses[i]));
    if (++i == l.misses.size()) i = 0;
  }
}
BENCHMARK(BM_LookupMiss);

// A burst of 32 with prefetching; items/s is lookups/s.
void BM_LookupHitBatch32(benchmark::State& state) {
  Loaded& l = loaded();
  uint32_t out[32];
  size_t i = 0;
  for (auto _ : state) {
    l.table->lookupBatch(&l.hits[i], 32, out);
    benchmark::DoNotOptimize(out);
    i += 32;
    if (i + 32 > l.hits.size()) i = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 32);
}
BENCHMARK(BM_LookupHitBatch32);

// A new connection (both directions) and its removal, at 1 M live connections.
void BM_InsertEraseConnection(benchmark::State& state) {
  Loaded& l = loaded();
  size_t i = 0;
  for (auto _ : state) {
    const InsertResult r = l.table->insert(l.fresh[i], 1);
    l.table->erase(r.original);
    if (++i == l.fresh.size()) i = 0;
  }
}
BENCHMARK(BM_InsertEraseConnection);

// Per-packet state tracking on an established flow (touch + next state, no change).
void BM_TrackTcp(benchmark::State& state) {
  Loaded& l = loaded();
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t e = l.table->lookup(l.hits[i]);
    benchmark::DoNotOptimize(l.table->trackTcp(e, kTcpAck, 2));
    if (++i == l.hits.size()) i = 0;
  }
}
BENCHMARK(BM_TrackTcp);

// The sweep's cost per entry slot when nothing is due; items/s is slots/s.
void BM_ExpireSweep256(benchmark::State& state) {
  Loaded& l = loaded();
  const TimeoutProfile p = makeTimeoutProfile(TimeoutSeconds{}, 1000);
  for (auto _ : state) {
    benchmark::DoNotOptimize(l.table->expire(3, 256, p, [](const FlowEntry&, const FlowEntry&) {}));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 256);
}
BENCHMARK(BM_ExpireSweep256);

// Allocate one port and free the oldest, with half of one lcore's range (1 of 8) live per group.
void BM_PortAllocFree(benchmark::State& state) {
  auto a = SnatPortAllocator::create(SnatPortAllocatorConfig{0, 8, 64, 16});
  const uint32_t live = a->range().size() / 2 * 16;
  std::vector<std::pair<uint32_t, uint16_t>> ring(live);  // (real, port)
  for (uint32_t i = 0; i < live; ++i) {
    const uint32_t real = 0xc0000200 + i % 16;
    ring[i] = {real, a->allocate(kSnat, kIpProtoTcp, real, 443)};
  }
  size_t i = 0;
  for (auto _ : state) {
    auto& [real, port] = ring[i];
    a->release(kSnat, kIpProtoTcp, real, 443, port);
    port = a->allocate(kSnat, kIpProtoTcp, real, 443);
    benchmark::DoNotOptimize(port);
    if (++i == ring.size()) i = 0;
  }
}
BENCHMARK(BM_PortAllocFree);

}  // namespace

BENCHMARK_MAIN();
