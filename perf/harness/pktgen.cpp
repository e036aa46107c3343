// vlb-pktgen: the generator/sink of the packet harness. Sends IPv4 TCP/UDP test packets over many
// flows out of its client port, counts what comes back on both ports, answers ARP for the hosts it
// plays, optionally answers each packet on the server side, and prints one JSON line at the end.
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "generator.h"

namespace vlb::harness {
namespace {

constexpr unsigned kPoolSize = 16383;
constexpr double kDrainSeconds = 0.2;

volatile int g_stop = 0;
void onSignal(int) { g_stop = 1; }

void report(const PktgenOptions& o, const Generator& gen, double seconds, double warmup) {
  const Counters& c = gen.counters();
  const uint64_t in = c.tx_test + c.tx_reply;
  const uint64_t out = c.rx_test[0] + c.rx_test[1];
  const double loss = in ? 100.0 * (double(in) - double(out)) / double(in) : 0;
  auto rate = [seconds](uint64_t n) { return seconds > 0 ? double(n) / seconds : 0.0; };
  auto u = [](uint64_t n) { return (unsigned long long)n; };
  std::printf(
      "{\"label\":\"%s\",\"proto\":\"%s\",\"frame_size\":%u,\"flows\":%llu,\"new_flows\":%s,"
      "\"reply\":%s,\"warmup_s\":%.3f,\"unanswered_flows\":%llu,\"duration_s\":%.3f,"
      "\"tx_pps\":%.0f,\"reply_pps\":%.0f,\"rx_pps\":{\"client\":%.0f,\"server\":%.0f},"
      "\"dut_pps\":%.0f,\"loss_pct\":%.4f,\"tx\":%llu,\"tx_reply\":%llu,\"reply_dropped\":%llu,"
      "\"rx\":{\"client\":%llu,\"server\":%llu},\"rx_other\":{\"client\":%llu,\"server\":%llu},"
      "\"arp_answered\":{\"client\":%llu,\"server\":%llu}}\n",
      o.label.c_str(), o.proto == kProtoTcp ? "tcp" : "udp", o.frame_size, u(gen.flowsSeen()),
      o.new_flows ? "true" : "false", o.reply ? "true" : "false", warmup, u(gen.unanswered()),
      seconds, rate(c.tx_test), rate(c.tx_reply), rate(c.rx_test[0]), rate(c.rx_test[1]), rate(out),
      loss < 0 ? 0.0 : loss, u(c.tx_test), u(c.tx_reply), u(c.reply_dropped), u(c.rx_test[0]),
      u(c.rx_test[1]), u(c.rx_other[0]), u(c.rx_other[1]), u(c.arp_answered[0]),
      u(c.arp_answered[1]));
  std::fflush(stdout);
}

int run(const PktgenOptions& o) {
  rte_mempool* pool = rte_pktmbuf_pool_create("pktgen", kPoolSize, 256, 0,
                                              RTE_MBUF_DEFAULT_BUF_SIZE, int(rte_socket_id()));
  if (!pool) {
    std::fprintf(stderr, "vlb-pktgen: cannot create the mbuf pool: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  std::string error;
  auto client = openPort({o.client_devargs, o.descriptors, o.descriptors}, pool, &error);
  auto server = client ? openPort({o.server_devargs, o.descriptors, o.descriptors}, pool, &error)
                       : std::nullopt;
  if (!client || !server) {
    std::fprintf(stderr, "vlb-pktgen: %s port: %s\n", client ? "server" : "client", error.c_str());
    return 1;
  }
  if (!waitForLinks({client->id, server->id}, 10000)) {
    std::fprintf(
        stderr,
        "vlb-pktgen: the ports' links did not come up within 10 s (is the peer running?)\n");
    return 1;
  }
  Generator gen(o, pool, *client, *server);
  if (o.gateway ? !gen.resolveGateway() : !gen.buildTemplate(o.dst_mac)) {
    std::fprintf(
        stderr, "vlb-pktgen: %s\n",
        o.gateway ? "the gateway did not answer ARP within 10 s" : "cannot build the test frame");
    return 1;
  }
  using Phase = Generator::Phase;
  if (o.settle_s > 0) gen.run(Phase::kIdle, o.settle_s, &g_stop);
  const double warmup = o.warmup_s > 0 ? gen.run(Phase::kWarmup, o.warmup_s, &g_stop) : 0;
  if (gen.unanswered())
    std::fprintf(stderr, "vlb-pktgen: %llu flows still unanswered after the warm-up\n",
                 (unsigned long long)gen.unanswered());
  gen.resetCounters();
  std::fprintf(stderr, "vlb-pktgen: measuring for %.1f s after a warm-up of %.1f s\n", o.duration_s,
               warmup);
  const double seconds = gen.run(Phase::kMeasure, o.duration_s, &g_stop);
  gen.run(Phase::kIdle, kDrainSeconds, &g_stop);  // what is still in the rings
  std::fprintf(stderr, "vlb-pktgen: done\n");
  report(o, gen, seconds, warmup);
  // Leaving first would make the peer's memif PMD unmap our rings while its lcore polls them
  // (DPDK 22.11 does not guard that): with --linger, the peer stops first while we poll nothing.
  if (o.linger_s > 0)
    waitForLinksDown({client->id, server->id}, unsigned(o.linger_s * 1000), &g_stop);
  closePorts({client->id, server->id});
  return 0;
}

}  // namespace
}  // namespace vlb::harness

int main(int argc, char** argv) {
  const int consumed = rte_eal_init(argc, argv);
  if (consumed < 0) {
    std::fprintf(stderr, "vlb-pktgen: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  int exit_code = 0;
  auto options = vlb::harness::parsePktgenOptions(argc - consumed, argv + consumed, &exit_code);
  int rc = exit_code;
  if (options) {
    std::signal(SIGINT, vlb::harness::onSignal);
    std::signal(SIGTERM, vlb::harness::onSignal);
    rc = vlb::harness::run(*options);
  }
  rte_eal_cleanup();
  return rc;
}
