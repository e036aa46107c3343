// L7 balancing: ns per pick for each scheduler, persistence cookie encode/verify, source table
// lookup, and a whole selection with cookie persistence.
// Run: build/perf/balance_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "l7/balance/selector.h"

namespace {

using namespace vlb::l7::balance;

std::vector<RealSpec> reals(int n) {
  std::vector<RealSpec> v;
  std::mt19937 gen(1);
  for (int i = 0; i < n; ++i) v.push_back({uint32_t(i + 1), uint32_t(1 + gen() % 10), true, ""});
  return v;
}

void pick(benchmark::State& state, Algorithm a) {
  static std::unique_ptr<Pool> pool;  // shared by the benchmark's threads
  if (state.thread_index() == 0) {
    pool = std::move(*Pool::create("web", a, reals(int(state.range(0)))));
    pool->setUp(1, false);
  }
  for (auto _ : state) {
    const uint32_t i = pool->pick();
    pool->requestStarted(i);
    pool->requestEnded(i);
    benchmark::DoNotOptimize(i);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(pick, rr, Algorithm::kRr)->Arg(8)->Arg(64)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(pick, wrr, Algorithm::kWrr)->Arg(8)->Arg(64)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(pick, lc, Algorithm::kLc)->Arg(8)->Arg(64)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(pick, lcr, Algorithm::kLcr)->Arg(8)->Arg(64)->Threads(1)->Threads(2);

const CookieCodec& codec() {
  static const CookieCodec c = std::move(*CookieCodec::create("bench-secret-0123456789abcdef"));
  return c;
}

void cookieEncode(benchmark::State& state) {
  uint32_t id = 0;
  for (auto _ : state) benchmark::DoNotOptimize(codec().encode("svc-owa", {++id & 63, 0}));
}
BENCHMARK(cookieEncode);

void cookieVerify(benchmark::State& state) {
  const std::string v = codec().encode("svc-owa", {7, 0});
  for (auto _ : state) benchmark::DoNotOptimize(codec().verify(v, "svc-owa", 1'800'000'000));
}
BENCHMARK(cookieVerify)->Threads(1)->Threads(2);

void cookieVerifyTampered(benchmark::State& state) {
  std::string v = codec().encode("svc-owa", {7, 0});
  v[5] = v[5] == 'A' ? 'B' : 'A';
  for (auto _ : state) benchmark::DoNotOptimize(codec().verify(v, "svc-owa", 1'800'000'000));
}
BENCHMARK(cookieVerifyTampered);

void sourceLookup(benchmark::State& state) {
  static std::unique_ptr<SourcePersistence> table;
  static std::vector<ClientAddress> clients;
  if (state.thread_index() == 0) {
    table = std::move(*SourcePersistence::create({.v4_prefix = 32, .max_entries = 65536}));
    clients.clear();
    for (uint32_t i = 0; i < 4096; ++i) {
      ClientAddress a;
      a.bytes = {198, 51, uint8_t(i >> 8), uint8_t(i), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      clients.push_back(a);
      table->remember(a, i, SteadyTime{});
    }
  }
  size_t k = size_t(state.thread_index()) * 977;
  for (auto _ : state) benchmark::DoNotOptimize(table->lookup(clients[k++ & 4095], SteadyTime{}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sourceLookup)->Threads(1)->Threads(2);

void selectWithCookie(benchmark::State& state) {
  auto pool = std::move(*Pool::create("web", Algorithm::kLcr, reals(8)));
  SelectorConfig config{PersistMode::kCookie, "svc-owa", {}};
  const Selector sel = std::move(*Selector::create(config, pool.get(), &codec(), nullptr));
  const std::string value = codec().encode("svc-owa", {3, 0});
  for (auto _ : state)
    benchmark::DoNotOptimize(sel.select({value, nullptr, SteadyTime{}, 1'800'000'000}));
}
BENCHMARK(selectWithCookie);

void selectNewClientIssuesCookie(benchmark::State& state) {
  auto pool = std::move(*Pool::create("web", Algorithm::kLcr, reals(8)));
  SelectorConfig config{PersistMode::kCookie, "svc-owa", {}};
  const Selector sel = std::move(*Selector::create(config, pool.get(), &codec(), nullptr));
  for (auto _ : state)
    benchmark::DoNotOptimize(sel.select({std::nullopt, nullptr, SteadyTime{}, 1'800'000'000}));
}
BENCHMARK(selectNewClientIssuesCookie);

}  // namespace

BENCHMARK_MAIN();
