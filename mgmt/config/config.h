// The appliance configuration: one typed model, loaded from JSON (docs/config.md).
// Parsing validates everything; a config that fails validation is refused whole.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/config/health_check.h"
#include "mgmt/config/ip_types.h"
#include "mgmt/config/l7_types.h"

namespace vlb::config {

struct EalOptions {
  bool no_huge = false;    // --no-huge: plain memory, no hugepages
  bool no_pci = false;     // --no-pci: vdevs only
  bool in_memory = false;  // --in-memory: no files under /var/run/dpdk
  std::string file_prefix = "vlb";
  unsigned memory_mb = 0;  // -m; 0 = EAL default (with no_huge: 512)
  std::string lcores;      // -l, e.g. "0-1"; the first is the control thread, the rest datapath
  std::vector<std::string> extra_args;  // appended to the EAL command line as they are
};

enum class PortRole { kExternal, kInternal, kDmz };

struct Port {
  std::string name;     // also the kernel twin's interface name unless `twin` says otherwise
  PortRole role = PortRole::kExternal;
  std::string devargs;  // a PCI address ("0000:03:00.0") or a vdev ("net_af_packet0,iface=eth1")
  std::string twin;     // kernel twin interface name; defaults to `name`
  std::vector<IpPrefix> addresses;  // self IPs, put on the twin
  unsigned mtu = 1500;
  unsigned rx_descriptors = 1024;
  unsigned tx_descriptors = 1024;
};

// An 802.1Q VLAN on a port: a VLAN sub-interface of the port's kernel twin with its own self
// IPs; the datapath classifies, routes and tags its frames (docs/config.md "vlans").
struct Vlan {
  std::string name;  // the sub-interface's name in the kernel, e.g. "int.100"
  std::string port;  // the port (name) it is tagged on
  uint16_t id = 0;   // 1..4094
  std::vector<IpPrefix> addresses;  // self IPs on the VLAN
  unsigned mtu = 0;  // 0: the port's MTU; never above it
};

// A static route, put in the kernel's main table through the twin; the datapath follows the kernel.
struct Route {
  IpPrefix destination;
  IpAddress gateway;
};

// --- L4 virtual services (KEMP's L4 virtual service, F5's Standard/FastL4 virtual server) ---

enum class Protocol { kTcp, kUdp };
enum class Scheduler { kRr, kWrr, kLc, kWlc, kSh, kMaglev };
enum class OnRealDown { kKeep, kReset };  // what established flows to a removed/down real do

struct Real {
  IpAddress address;
  uint16_t port = 0;  // 0: the port the client connected to (required for port ranges)
  unsigned weight = 1;  // 0..65535; 0 takes no new flows
  bool enabled = true;  // false: drain (established flows go on, no new ones); mirrors `state`
  RealState state = RealState::kEnabled;  // "enabled": false reads as kDrain
};

struct Persistence {
  bool enabled = false;            // by source IP
  uint8_t prefix_length = 32;      // clients in one /N share a real
  unsigned timeout_s = 1200;       // 20 min, as in KEMP's Lync template
};

struct Snat {
  enum class Mode { kAutomap, kNone, kPool };
  Mode mode = Mode::kAutomap;  // automap: the egress port's self IP; none: transparent
  std::string pool;            // with kPool: a SnatPool's name
};

struct TcpProfile {
  bool loose_init = false;   // accept mid-stream packets without a flow (after a failover)
  bool loose_close = false;  // end a flow on its first FIN
};

struct VirtualService {
  std::string name;
  IpAddress vip;  // IPv4
  Protocol protocol = Protocol::kTcp;
  uint16_t port_first = 0, port_last = 0;  // one port, a range, or 1-65535 for "any"
  Scheduler scheduler = Scheduler::kRr;
  Persistence persistence;
  Snat snat;
  unsigned idle_timeout_s = 0;  // default: 1800 for TCP, 300 for UDP
  TcpProfile tcp;
  OnRealDown on_real_down = OnRealDown::kKeep;
  std::optional<HealthCheck> check;  // none: reals count as up
  unsigned minimum_up = 0;  // fewer reals up than this: the service takes no new flows
  std::vector<Real> reals;
};

struct SnatPool {
  std::string name;
  std::vector<IpAddress> addresses;  // IPv4
};

struct DatapathOptions {
  unsigned mbufs = 8191;            // mbufs in the packet pool
  unsigned punt_ring_size = 1024;   // per datapath lcore, each direction; a power of two
  unsigned idle_sleep_us = 0;       // sleep this long after empty polls (0: pure polling)
  unsigned connections = 262144;    // L4 connections per datapath lcore (two flow entries each)
};

struct ControlOptions {
  std::string socket = "/run/vlb/vlbd.sock";
  std::optional<IpAddress> metrics_address;  // Prometheus /metrics served here when set
  uint16_t metrics_port = 9100;
};

struct Config {
  std::string hostname;  // optional; top-level "hostname" or system.hostname
  EalOptions eal;
  ControlOptions control;
  DatapathOptions datapath;
  std::vector<Port> ports;
  std::vector<Vlan> vlans;
  std::vector<Route> routes;
  std::vector<SnatPool> snat_pools;
  std::vector<VirtualService> virtual_services;
  SystemOptions system;
  std::vector<Certificate> certificates;
  std::vector<L7Service> l7_services;
  std::vector<StaticNat> static_nats;
  std::vector<ForwardingService> forwarding_services;
};

// Parse and validate a JSON document. Errors name the object and field, e.g.
//   ports[1] "int": field "addresses[0]": "192.0.2.300/24" is not an IP prefix
Result<Config> parseConfig(std::string_view json_text);
Result<Config> loadConfigFile(const std::string& path);

// The embedded default: the lab topology of scripts/lab (ports on ext0 and int0).
std::string_view defaultConfigJson();

// Helpers shared with the rest of mgmt.
Result<IpAddress> parseIpAddress(std::string_view text);
Result<IpPrefix> parseIpPrefix(std::string_view text);
std::string_view roleName(PortRole role);
// Whether `address` lies inside the subnet of `prefix` (same family, same leading bits).
bool prefixContains(const IpPrefix& prefix, const IpAddress& address);
std::string_view schedulerName(Scheduler scheduler);
std::string_view protocolName(Protocol protocol);

}  // namespace vlb::config
