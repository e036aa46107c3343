// ns per NAT rewrite of a 64-byte TCP packet (addresses + ports, IP and TCP checksums adjusted).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "datapath/nat/nat_rewrite.h"

namespace {

std::vector<uint8_t> tcpPacket() {
  std::vector<uint8_t> ip(50, 0);
  ip[0] = 0x45;
  ip[3] = 50;
  ip[8] = 64;
  ip[9] = vlb::dp::kProtoTcp;
  return ip;
}

void BM_NatRewriteTcp(benchmark::State& state) {
  auto ip = tcpPacket();
  vlb::dp::NatTuple to[2] = {{0xc6336407, 0xc000020b, 40000, 80}, {0xcb00710a, 0xc6336407, 80, 40000}};
  unsigned i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(vlb::dp::natRewrite(ip.data(), ip.size(), to[i++ & 1]));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_NatRewriteTcp);

}  // namespace

BENCHMARK_MAIN();
