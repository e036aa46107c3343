// vlb-c2c-probe: the round-trip time of a cache line between two CPUs (default 0 and 1). The
// harness's processes talk through shared memory (net_memif), so their rates follow this latency:
// on a VM it changes when the host places the virtual CPUs on other cores. scripts/bench prints it
// beside every scenario.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

constexpr int kRounds = 200000;
alignas(64) std::atomic<int> g_ball{0};

bool pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int a = argc > 1 ? std::atoi(argv[1]) : 0;
  const int b = argc > 2 ? std::atoi(argv[2]) : 1;
  bool peer_pinned = false;
  // The other CPU answers each odd value with the next even one.
  std::thread peer([&] {
    peer_pinned = pinTo(b);
    for (int i = 0; i < kRounds; ++i) {
      while (g_ball.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      g_ball.store(2 * i + 2, std::memory_order_release);
    }
  });
  const bool pinned = pinTo(a);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    g_ball.store(2 * i + 1, std::memory_order_release);
    while (g_ball.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const auto ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  peer.join();
  if (!pinned || !peer_pinned) {
    std::fprintf(stderr, "vlb-c2c-probe: cannot pin to CPUs %d and %d\n", a, b);
    return 1;
  }
  std::printf("%.0f\n", ns / kRounds);
  return 0;
}
