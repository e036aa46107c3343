// Compiles the configuration's virtual services, static NATs and forwarding services into what
// the datapath reads (dp::l4::Services): one generation, with the stable slots of the previous
// one kept (see l4_services.h), so that a live change never makes an established flow name
// another service or real.
#pragma once

#include <memory>
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

// The port whose self-IP subnet holds `address` (a VIP, a real), or -1.
int portOnSubnet(const config::Config& cfg, const config::IpAddress& address);

uint32_t ipv4HostOrder(const config::IpAddress& a);

}  // namespace vlb::mgmt
