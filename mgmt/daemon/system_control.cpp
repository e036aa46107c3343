// The appliance's own settings applied live by a commit: what needs a restart is refused first;
// ports' self IPs, MTU and role, VLAN sub-interfaces, static routes and the default gateway go
// to the kernel (the datapath follows the kernel's tables), the host name and the DNS servers
// to the host. applySystem(cfg_) at start brings up what the twins were not created with.
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstring>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/host_settings.h"
#include "mgmt/daemon/log.h"

namespace vlb::mgmt {
namespace {

constexpr unsigned kFrameOverhead = 14 + 4 + 4;  // Ethernet header, one VLAN tag, FCS

std::string portLabel(const config::Port& p) { return "port \"" + p.name + "\""; }

bool holds(const std::vector<config::IpPrefix>& list, const config::IpPrefix& p) {
  return std::any_of(list.begin(), list.end(), [&](const auto& q) { return q.text == p.text; });
}

// The twin's VLAN sub-interfaces of port `port` in `cfg`, with their MTU resolved.
std::vector<TwinVlan> twinVlansOf(const config::Config& cfg, const config::Port& port) {
  std::vector<TwinVlan> out;
  for (const auto& v : cfg.vlans)
    if (v.port == port.name) out.push_back({v.name, v.id, v.mtu ? v.mtu : port.mtu, v.addresses});
  return out;
}

bool sameRoute(const config::Route& a, const config::Route& b) {
  return a.destination.text == b.destination.text && a.gateway.text == b.gateway.text;
}

bool sameServers(const std::vector<config::IpAddress>& a, const std::vector<config::IpAddress>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

Status Appliance::refuseRestartChanges(const config::Config& next) const {
  if (next.ports.size() != cfg_.ports.size())
    return fail("ports: adding or removing a port needs a restart of vlbd (running: " +
                std::to_string(cfg_.ports.size()) + " ports, committed: " +
                std::to_string(next.ports.size()) + ")");
  for (size_t i = 0; i < next.ports.size(); ++i) {
    const config::Port &now = cfg_.ports[i], &want = next.ports[i];
    if (want.name != now.name)
      return fail("ports[" + std::to_string(i) + "]: renaming port \"" + now.name + "\" to \"" +
                  want.name + "\" needs a restart of vlbd");
    if (want.devargs != now.devargs || want.twin != now.twin)
      return fail(portLabel(want) + ": changing its device or twin needs a restart of vlbd");
  }
  if (next.datapath.connections != cfg_.datapath.connections || next.eal.lcores != cfg_.eal.lcores)
    return fail("datapath: changing connections or lcores needs a restart of vlbd");
  // New VLANs need the kernel's 802.1Q support (their sub-interfaces on the twins).
  for (size_t i = 0; i < next.vlans.size(); ++i) {
    const auto& v = next.vlans[i];
    const bool added = std::none_of(cfg_.vlans.begin(), cfg_.vlans.end(),
                                    [&](const config::Vlan& o) { return o.name == v.name; });
    if (!added || ports_.empty()) continue;
    if (auto st = ports_[0].twin->probeVlanSupport(); !st)
      return fail("vlans[" + std::to_string(i) + "] \"" + v.name + "\": " + st.error());
    break;
  }
  // A new MTU: the packet buffers must hold its frames, and the PMD must take it. It is tried and
  // set back at once, so that nothing has changed when the commit is refused later on.
  const unsigned room = pool_ ? rte_pktmbuf_data_room_size(pool_) - RTE_PKTMBUF_HEADROOM : 0;
  for (size_t i = 0; i < next.ports.size() && i < ports_.size(); ++i) {
    const config::Port &now = cfg_.ports[i], &want = next.ports[i];
    if (want.mtu == now.mtu) continue;
    const std::string field = portLabel(want) + ": field \"mtu\": " + std::to_string(want.mtu);
    if (want.mtu + kFrameOverhead > room)
      return fail(field + " needs larger packet buffers than vlbd started with (up to " +
                  std::to_string(room - kFrameOverhead) + "); restart vlbd for it");
    const uint16_t port_id = ports_[i].port_id;
    if (int rc = rte_eth_dev_set_mtu(port_id, uint16_t(want.mtu)); rc != 0)
      return fail(field + " is refused by the port's driver: " + strerror(-rc));
    if (int rc = rte_eth_dev_set_mtu(port_id, uint16_t(now.mtu)); rc != 0)
      logLine(portLabel(now) + ": MTU " + std::to_string(now.mtu) + " not restored: " + strerror(-rc));
  }
  return Ok{};
}

void Appliance::applySystem(const config::Config& next) {
  // VLANs leaving a port go first, so that one moving to another port (or a name reused there)
  // finds its name free.
  for (size_t i = 0; i < next.ports.size() && i < ports_.size(); ++i) {
    std::vector<TwinVlan> staying;
    for (auto& v : twinVlansOf(next, next.ports[i]))
      for (const auto& have : ports_[i].twin->vlans())
        if (have.spec.name == v.name) staying.push_back(v);
    if (auto st = ports_[i].twin->syncVlans(staying); !st) logLine(portLabel(next.ports[i]) + ": " + st.error());
  }
  for (size_t i = 0; i < next.ports.size() && i < ports_.size(); ++i) {
    const config::Port &now = cfg_.ports[i], &want = next.ports[i];
    KernelTwin& twin = *ports_[i].twin;
    for (const auto& p : now.addresses)
      if (!holds(want.addresses, p))
        if (auto st = twin.removeAddress(p); !st) logLine(portLabel(want) + ": " + st.error());
    for (const auto& p : want.addresses)
      if (!holds(now.addresses, p))
        if (auto st = twin.addAddress(p); !st) logLine(portLabel(want) + ": " + st.error());
    if (want.mtu != now.mtu) {
      if (int rc = rte_eth_dev_set_mtu(ports_[i].port_id, uint16_t(want.mtu)); rc != 0)
        logLine(portLabel(want) + ": MTU " + std::to_string(want.mtu) + " not set: " + strerror(-rc));
      if (auto st = twin.setMtu(want.mtu); !st) logLine(portLabel(want) + ": " + st.error());
    }
    ports_[i].config = want;  // the role too
    if (auto st = twin.syncVlans(twinVlansOf(next, want)); !st) logLine(portLabel(want) + ": " + st.error());
  }
  syncRoutes(next);

  const auto& gw = next.system.default_gateway;
  const auto& old_gw = cfg_.system.default_gateway;
  if (old_gw && (!gw || !(*gw == *old_gw)))
    if (auto st = deleteKernelRoute(defaultRouteVia(*old_gw)); !st)
      logLine("system: default_gateway " + old_gw->text + " not removed: " + st.error());
  if (gw)  // replaces the kernel's default route; also at start, when cfg_ is next
    if (auto st = addKernelRoute(defaultRouteVia(*gw)); !st)
      logLine("system: default_gateway " + gw->text + ": " + st.error());

  if (!next.system.hostname.empty())
    if (auto st = applyHostname(next.system.hostname); !st) logLine(st.error());
  const auto& dns = next.system.dns_servers;
  if (!dns.empty() || !sameServers(dns, cfg_.system.dns_servers))
    if (auto st = writeResolvConf(resolvConfPath(), dns); !st) logLine(st.error());
}

// Static routes: the kernel gets the new ones and loses the removed ones; the datapath follows.
void Appliance::syncRoutes(const config::Config& next) {
  for (const auto& old : cfg_.routes)
    if (std::none_of(next.routes.begin(), next.routes.end(), [&](const auto& r) { return sameRoute(r, old); }))
      if (auto st = deleteKernelRoute(old); !st) logLine(st.error());
  for (const auto& r : next.routes)
    if (std::none_of(cfg_.routes.begin(), cfg_.routes.end(), [&](const auto& o) { return sameRoute(o, r); }))
      if (auto st = addKernelRoute(r); !st) logLine(st.error());
}

}  // namespace vlb::mgmt
