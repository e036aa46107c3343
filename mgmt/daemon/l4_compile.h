// Compiles the configuration's virtual services, static NATs and forwarding services into what
// the datapath reads (dp::l4::Services): one generation, with the stable slots of the previous
// one kept (see l4_services.h), so that a live change never makes an established flow name
// another service or real.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "datapath/l4/l4_services.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"

namespace vlb::mgmt {

constexpr uint32_t kFlowTicksPerSecond = 1000;  // the datapath's flow clock is in milliseconds

// "192.0.2.11:80": a real's identity in its service (stable across changes; Maglev hashes it).
std::string realIdentity(const config::Real& r);

// What the health checks say: the reals that are down, as "service/identity".
using DownReals = std::set<std::string>;

// `previous`: the generation this one replaces (nullptr at start). Services keep their slot by
// name and reals their index by identity, static NATs by public address, forwarding services by
// name; removed ones stay as placeholders.
Result<std::unique_ptr<dp::l4::Services>> compileServices(const config::Config& cfg,
                                                          const dp::l4::Services* previous,
                                                          const DownReals& down);

// Where an address (a real, a VIP, a static NAT's private address) is on-link: on the subnet of
// a self IP of a port (untagged) or of one of its VLANs (tagged, on the VLAN's sub-interface of
// the port's twin). What the control thread needs to resolve the address's neighbour on the
// right interface and to pick the source of health checks.
struct OnLink {
  size_t port = 0;        // index in Config::ports (the VLAN's port for a VLAN)
  std::string vlan;       // the VLAN sub-interface's name; empty: the port's untagged network
  uint16_t vlan_id = 0;   // 802.1Q id; 0: untagged
  config::IpPrefix self;  // the self IP whose subnet holds the address
};

// The self IP subnet holding `address` with the longest prefix (as the kernel's connected routes
// choose); of equal ones, a port's before a VLAN's, then in config order. None: not on-link.
std::optional<OnLink> onLinkOf(const config::Config& cfg, const config::IpAddress& address);

uint32_t ipv4HostOrder(const config::IpAddress& a);

}  // namespace vlb::mgmt
