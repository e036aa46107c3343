// vlb-baseline-fwd: the plain forwarding baseline of the packet harness. Two ports (net_memif
// servers); every frame received on one is sent out of the other with its Ethernet addresses
// swapped, without looking at anything else. What vlbd is compared against, on the same harness.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "harness_port.h"

namespace po = boost::program_options;

namespace vlb::harness {
namespace {

constexpr uint16_t kBurst = 32;
constexpr unsigned kPoolSize = 16383;

volatile sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

struct Direction {
  uint64_t forwarded = 0;
  uint64_t dropped = 0;  // the other port's tx ring was full
};

// One burst from `in` to `out`; returns the packets received.
uint16_t forwardBurst(uint16_t in, uint16_t out, Direction* d) {
  rte_mbuf* pkts[kBurst];
  const uint16_t n = rte_eth_rx_burst(in, 0, pkts, kBurst);
  if (n == 0) return 0;
  for (uint16_t i = 0; i < n; ++i) {
    auto* eth = rte_pktmbuf_mtod(pkts[i], rte_ether_hdr*);
    const rte_ether_addr dst = eth->dst_addr;
    eth->dst_addr = eth->src_addr;
    eth->src_addr = dst;
  }
  const uint16_t sent = rte_eth_tx_burst(out, 0, pkts, n);
  d->forwarded += sent;
  if (sent < n) {
    d->dropped += n - sent;
    rte_pktmbuf_free_bulk(pkts + sent, n - sent);
  }
  return n;
}

int run(const std::string& devargs0, const std::string& devargs1, uint16_t descriptors,
        double limit_s) {
  rte_mempool* pool = rte_pktmbuf_pool_create("baseline", kPoolSize, 256, 0,
                                              RTE_MBUF_DEFAULT_BUF_SIZE, int(rte_socket_id()));
  if (!pool) {
    std::fprintf(stderr, "vlb-baseline-fwd: cannot create the mbuf pool: %s\n",
                 rte_strerror(rte_errno));
    return 1;
  }
  std::string error;
  auto p0 = openPort({devargs0, descriptors, descriptors}, pool, &error);
  auto p1 = p0 ? openPort({devargs1, descriptors, descriptors}, pool, &error) : std::nullopt;
  if (!p0 || !p1) {
    std::fprintf(stderr, "vlb-baseline-fwd: port %d: %s\n", p0 ? 1 : 0, error.c_str());
    return 1;
  }
  std::fprintf(stderr, "vlb-baseline-fwd: forwarding on lcore %u\n", rte_lcore_id());
  Direction d01, d10;
  const uint64_t start = rte_rdtsc();
  uint64_t iterations = 0;
  while (!g_stop) {
    forwardBurst(p0->id, p1->id, &d01);
    forwardBurst(p1->id, p0->id, &d10);
    if ((++iterations & 0xffff) == 0 && secondsBetween(start, rte_rdtsc()) > limit_s) break;
  }
  std::printf(
      "{\"forwarded\":{\"0to1\":%lu,\"1to0\":%lu},\"dropped\":{\"0to1\":%lu,\"1to0\":%lu}}\n",
      (unsigned long)d01.forwarded, (unsigned long)d10.forwarded, (unsigned long)d01.dropped,
      (unsigned long)d10.dropped);
  closePorts({p0->id, p1->id});
  return 0;
}

}  // namespace
}  // namespace vlb::harness

int main(int argc, char** argv) {
  const int consumed = rte_eal_init(argc, argv);
  if (consumed < 0) {
    std::fprintf(stderr, "vlb-baseline-fwd: EAL initialisation failed: %s\n",
                 rte_strerror(rte_errno));
    return 1;
  }
  std::string port0, port1;
  uint16_t descriptors = 1024;
  double limit_s = 300;
  po::options_description d("vlb-baseline-fwd [EAL options] -- options");
  // clang-format off
  d.add_options()
    ("help,h", "show this help")
    ("port0", po::value(&port0)->required(), "devargs of the first port (net_memif0,role=server,...)")
    ("port1", po::value(&port1)->required(), "devargs of the second port")
    ("descriptors", po::value(&descriptors)->default_value(1024), "rx and tx descriptors per port")
    ("time-limit", po::value(&limit_s)->default_value(300), "stop after this many seconds at the latest");
  // clang-format on
  po::variables_map vm;
  int rc = 0;
  try {
    po::store(po::parse_command_line(argc - consumed, argv + consumed, d), vm);
    if (vm.count("help")) {
      std::cout << d << "\n";
    } else {
      po::notify(vm);
      std::signal(SIGINT, vlb::harness::onSignal);
      std::signal(SIGTERM, vlb::harness::onSignal);
      rc = vlb::harness::run(port0, port1, descriptors, limit_s);
    }
  } catch (const po::error& e) {
    std::cerr << "vlb-baseline-fwd: " << e.what() << "\n";
    rc = 2;
  }
  rte_eal_cleanup();
  return rc;
}
