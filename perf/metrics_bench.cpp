// Cost of one Prometheus scrape's page: building the families and writing the text, for an
// appliance with many services and reals (what the control thread pays per scrape).
#include <benchmark/benchmark.h>

#include <string>

#include "mgmt/metrics/exposition.h"

namespace {

using vlb::metrics::HistogramData;
using vlb::metrics::MetricsPage;

void buildPage(MetricsPage& page, int services, int reals) {
  HistogramData h({0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5});
  for (int i = 0; i < 100; ++i) h.observe(0.0007 * i);
  auto& conns = page.counter("real_connections", "Connections scheduled to the real.");
  auto& bytes = page.counter("real_bytes", "Bytes to and from the real.");
  auto& active = page.gauge("real_active_connections", "Connections open now.");
  auto& checks = page.histogram("check_duration_seconds", "Health check round trip.", h.bounds);
  for (int s = 0; s < services; ++s) {
    const std::string service = "service-" + std::to_string(s);
    for (int r = 0; r < reals; ++r) {
      const vlb::metrics::Labels labels{{"service", service}, {"real", "192.0.2." + std::to_string(r + 10) + ":443"}};
      conns.add(labels, uint64_t(1000000 + r));
      bytes.add(labels, uint64_t(123456789012ull + r));
      active.add(labels, int64_t(r));
      checks.add(labels, h);
    }
  }
}

void BM_MetricsPage(benchmark::State& state) {
  const int services = int(state.range(0)), reals = int(state.range(1));
  size_t bytes = 0;
  for (auto _ : state) {
    MetricsPage page;
    buildPage(page, services, reals);
    std::string text = page.text();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["page_bytes"] = double(bytes);
  state.counters["series"] = double(services * reals * (3 + 11));
}
BENCHMARK(BM_MetricsPage)->Args({10, 4})->Args({100, 10})->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
