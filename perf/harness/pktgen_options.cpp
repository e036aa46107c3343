#include "pktgen_options.h"

#include <arpa/inet.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace vlb::harness {
namespace {

std::optional<uint32_t> parseIpv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::optional<AddressRange> parseRange(const std::string& text) {
  const auto dash = text.find('-');
  const auto first = parseIpv4(text.substr(0, dash));
  const auto last = dash == std::string::npos ? first : parseIpv4(text.substr(dash + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  return AddressRange{*first, *last};
}

bool fail(const std::string& message, int* exit_code) {
  std::cerr << "vlb-pktgen: " << message << "\n";
  *exit_code = 2;
  return false;
}

bool finish(const po::variables_map& vm, PktgenOptions* o, int* exit_code) {
  const std::string proto = vm["proto"].as<std::string>();
  if (proto != "tcp" && proto != "udp")
    return fail("--proto: \"" + proto + "\" is not tcp or udp", exit_code);
  o->proto = proto == "tcp" ? 6 : 17;
  const auto dst = parseIpv4(vm["dst"].as<std::string>());
  if (!dst)
    return fail("--dst: \"" + vm["dst"].as<std::string>() + "\" is not an IPv4 address", exit_code);
  o->dst_ip = *dst;
  const unsigned port = vm["dst-port"].as<unsigned>();
  if (port == 0 || port > 65535)
    return fail("--dst-port: " + std::to_string(port) + " is not 1-65535", exit_code);
  o->dst_port = uint16_t(port);
  if (o->frame_size < 64 || o->frame_size > 1518)
    return fail("--size: " + std::to_string(o->frame_size) + " is not 64-1518", exit_code);
  if (o->duration_s <= 0 || o->duration_s > kMaxDuration)
    return fail("--duration: must be above 0 and at most 60 seconds", exit_code);
  if (o->warmup_s < 0 || o->warmup_s > kMaxDuration)
    return fail("--warmup: must be 0-60 seconds", exit_code);
  if (o->linger_s < 0 || o->linger_s > 600)
    return fail("--linger: must be 0-600 seconds", exit_code);
  if (o->settle_s < 0 || o->settle_s > kMaxDuration)
    return fail("--settle: must be 0-60 seconds", exit_code);
  if (o->rate_pps < 0) return fail("--rate: must not be negative", exit_code);
  auto clients = parseRange(vm["clients"].as<std::string>());
  auto servers = parseRange(vm["server-hosts"].as<std::string>());
  if (!clients) return fail("--clients: expected FIRST-LAST IPv4 addresses", exit_code);
  if (!servers) return fail("--server-hosts: expected FIRST-LAST IPv4 addresses", exit_code);
  o->clients = *clients;
  o->servers = *servers;
  if (o->flows == 0 || o->flows > uint64_t(o->clients.size()) * kSourcePorts)
    return fail("--flows: must be 1 to clients x " + std::to_string(kSourcePorts), exit_code);
  if (vm.count("gateway")) {
    o->gateway = parseIpv4(vm["gateway"].as<std::string>());
    if (!o->gateway) return fail("--gateway: not an IPv4 address", exit_code);
  }
  if (rte_ether_unformat_addr(vm["dst-mac"].as<std::string>().c_str(), &o->dst_mac) != 0)
    return fail("--dst-mac: not a MAC address", exit_code);
  return true;
}

}  // namespace

std::optional<PktgenOptions> parsePktgenOptions(int argc, char** argv, int* exit_code) {
  PktgenOptions o;
  po::options_description d("vlb-pktgen [EAL options] -- options");
  // clang-format off
  d.add_options()
    ("help,h", "show this help")
    ("client-port", po::value(&o.client_devargs)->required(),
     "devargs of the clients' port (net_memif, role=client)")
    ("server-port", po::value(&o.server_devargs)->required(),
     "devargs of the servers' port (net_memif, role=client)")
    ("proto", po::value<std::string>()->default_value("udp"), "tcp or udp")
    ("dst", po::value<std::string>()->required(), "destination: an L4 VIP or a routed address")
    ("dst-port", po::value<unsigned>()->default_value(80), "destination port")
    ("size", po::value(&o.frame_size)->default_value(64), "frame size with FCS (64-1518)")
    ("flows", po::value(&o.flows)->default_value(1'000'000), "flows, by source address and port")
    ("new-flows", po::bool_switch(&o.new_flows), "every packet is a new flow (TCP: a SYN)")
    ("rate", po::value(&o.rate_pps)->default_value(0), "packets per second; 0: as fast as possible")
    ("duration", po::value(&o.duration_s)->default_value(10), "seconds measured (at most 60)")
    ("warmup", po::value(&o.warmup_s)->default_value(1),
     "seconds of traffic before measuring (TCP: SYNs until answered); with --reply, until every "
     "flow was answered (at most 60 s)")
    ("settle", po::value(&o.settle_s)->default_value(0),
     "seconds of answering ARP only, before the warm-up")
    ("reply", po::bool_switch(&o.reply), "the server side answers each packet (swapped addresses)")
    ("clients", po::value<std::string>()->default_value("198.51.100.10-198.51.100.250"),
     "source addresses")
    ("server-hosts", po::value<std::string>()->default_value("192.0.2.2-192.0.2.254"),
     "addresses answered for on the server side (ARP)")
    ("gateway", po::value<std::string>(),
     "next hop of the clients, resolved by ARP (e.g. 198.51.100.1)")
    ("dst-mac", po::value<std::string>()->default_value("02:00:00:00:00:02"),
     "destination MAC without --gateway")
    ("descriptors", po::value(&o.descriptors)->default_value(1024), "rx and tx descriptors per port")
    ("linger", po::value(&o.linger_s)->default_value(0),
     "after the report, wait up to this many seconds, without polling, for the peer to stop first")
    ("progress", po::bool_switch(&o.progress), "print each second's rate on stderr")
    ("label", po::value(&o.label), "echoed in the JSON report (letters, digits, -_.)");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, d), vm);
    if (vm.count("help")) {
      std::cout << d << "\n";
      *exit_code = 0;
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    fail(e.what(), exit_code);
    return std::nullopt;
  }
  if (!finish(vm, &o, exit_code)) return std::nullopt;
  return o;
}

}  // namespace vlb::harness
