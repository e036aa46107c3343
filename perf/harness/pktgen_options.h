// Command line of vlb-pktgen (after EAL's "--").
#pragma once

#include <rte_ether.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vlb::harness {

struct AddressRange {
  uint32_t first;  // host byte order, inclusive
  uint32_t last;
  uint32_t size() const { return last - first + 1; }
  bool contains(uint32_t a) const { return a >= first && a <= last; }
};

struct PktgenOptions {
  std::string client_devargs;  // the port the clients sit behind: traffic starts here
  std::string server_devargs;  // the port the servers sit behind: traffic arrives here
  uint8_t proto = 17;
  uint32_t dst_ip = 0;
  uint16_t dst_port = 80;
  unsigned frame_size = 64;  // including the 4-byte FCS, as in RFC 2544
  uint64_t flows = 1'000'000;
  bool new_flows = false;  // every packet opens a new flow (a SYN for TCP)
  double rate_pps = 0;     // 0: as fast as the ports take them
  double duration_s = 10;
  double warmup_s = 1;
  double settle_s = 0;  // before the warm-up: only answer ARP (the DUT resolves its next hops)
  bool reply = false;   // the server side answers every test packet
  AddressRange clients{0, 0};
  AddressRange servers{0, 0};       // addresses the server side answers ARP for
  std::optional<uint32_t> gateway;  // resolved by ARP on the client side
  rte_ether_addr dst_mac{};         // used without a gateway
  uint16_t descriptors = 1024;
  double linger_s = 0;    // after the report: wait for the peer to go first (see pktgen.cpp)
  bool progress = false;  // the rate of each second on stderr
  std::string label;
};

constexpr uint16_t kFirstSourcePort = 1024;
constexpr uint32_t kSourcePorts = 65536 - kFirstSourcePort;
constexpr double kMaxDuration = 60;

// The options, or nullopt after printing help (`*exit_code` 0) or an error (`*exit_code` 2).
std::optional<PktgenOptions> parsePktgenOptions(int argc, char** argv, int* exit_code);

}  // namespace vlb::harness
