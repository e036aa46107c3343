// L4 schedulers: ns per pick (what a new flow pays) and Maglev table build time (what a commit
// pays). Run: build/perf/sched_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "datapath/sched/scheduler.h"

namespace {

using namespace vlb::dp::sched;

std::vector<Real> reals(int n) {
  std::vector<Real> v;
  std::mt19937 gen(1);
  for (int i = 0; i < n; ++i) {
    v.push_back({"192.0.2." + std::to_string(i % 250 + 1) + ":" + std::to_string(8000 + i / 250),
                 uint16_t(1 + gen() % 100), true});
  }
  return v;
}

std::unique_ptr<const Table> build(Kind kind, const std::vector<Real>& r,
                                   const Table* previous = nullptr) {
  std::string error;
  return Table::build(kind, r, previous, &error);
}

// pick() on a warm lcore: hashes vary per flow; lc/wlc see busy reals (1 to 1,000 connections
// each), so they scan every real instead of stopping at an idle one.
void BM_Pick(benchmark::State& state, Kind kind) {
  const int n = int(state.range(0));
  const auto table = build(kind, reals(n));
  LcoreState lcore(kMaxReals, 0);
  std::mt19937 gen(2);
  for (int r = 0; r < n; ++r)
    for (uint32_t c = 1 + gen() % 1000; c > 0; --c) lcore.connOpened(RealIndex(r));
  std::vector<FlowHashes> flows(4096);
  for (auto& f : flows) f = {uint32_t(gen()), uint32_t(gen())};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pick(*table, lcore, flows[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Pick, rr, Kind::kRr)->Arg(8)->Arg(64);
BENCHMARK_CAPTURE(BM_Pick, wrr, Kind::kWrr)->Arg(8)->Arg(64);
BENCHMARK_CAPTURE(BM_Pick, lc, Kind::kLc)->Arg(8)->Arg(64);
BENCHMARK_CAPTURE(BM_Pick, wlc, Kind::kWlc)->Arg(8)->Arg(64);
BENCHMARK_CAPTURE(BM_Pick, sh, Kind::kSh)->Arg(8)->Arg(64);
BENCHMARK_CAPTURE(BM_Pick, maglev, Kind::kMaglev)->Arg(8)->Arg(64);

// A commit's cost: a Maglev table from scratch (weighted reals).
void BM_MaglevBuild(benchmark::State& state) {
  const auto r = reals(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(build(Kind::kMaglev, r));
  state.counters["table_slots"] = double(build(Kind::kMaglev, r)->lookup().size());
}
BENCHMARK(BM_MaglevBuild)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The usual commit: one real removed, rebuilt from the previous table.
void BM_MaglevRebuildRemoveOne(benchmark::State& state) {
  auto r = reals(int(state.range(0)));
  const auto previous = build(Kind::kMaglev, r);
  r.erase(r.begin() + long(r.size() / 2));
  for (auto _ : state) benchmark::DoNotOptimize(build(Kind::kMaglev, r, previous.get()));
}
BENCHMARK(BM_MaglevRebuildRemoveOne)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
