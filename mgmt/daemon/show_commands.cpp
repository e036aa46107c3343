// The operational commands of the foundation: show version, interfaces, neighbours, routes.
#include <arpa/inet.h>

#include <cstdio>
#include <fstream>

#include <rte_ethdev.h>
#include <rte_version.h>

#include "datapath/port/port.h"
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/daemon/text.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

const char* stateName(dp::NeighbourState s) {
  switch (s) {
    case dp::NeighbourState::kReachable: return "reachable";
    case dp::NeighbourState::kStale: return "stale";
    case dp::NeighbourState::kDelay: return "delay";
    case dp::NeighbourState::kProbe: return "probe";
    case dp::NeighbourState::kPermanent: return "permanent";
    default: return "unusable";
  }
}

Result<json> noArguments(const Words& args, const char* command) {
  if (!args.empty()) return fail(std::string("\"") + command + "\" takes no arguments");
  return json::object();
}

// A kernel interface's own counters (what went through the kernel: the exception path).
json kernelLinkCounters(const std::string& name) {
  json out = json::object();
  for (const char* c : {"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_dropped"}) {
    std::ifstream f("/sys/class/net/" + name + "/statistics/" + c);
    uint64_t n = 0;
    if (f >> n) out[c] = n;
  }
  return out;
}

}  // namespace

dp::PortCountersSnapshot Appliance::portCounters(size_t port) const {
  dp::PortCountersSnapshot c;
  for (const auto& w : workers_) c.accumulate(w->counters(port));
  return c;
}

json Appliance::dropsOf(size_t port) const {
  const dp::PortCountersSnapshot c = portCounters(port);
  const ExceptionCounters& e = ports_[port].exceptions;
  json drops = json::object();
  for (size_t r = 1; r < c.drops.size(); ++r)
    drops[std::string(dp::dropReasonName(dp::DropReason(r)))] = c.drops[r];
  drops["twin_write_failed"] = e.twin_write_failed;
  drops["inject_ring_full"] = e.inject_ring_full;
  drops["no_mbuf"] = e.no_mbuf;
  drops["twin_frame_too_big"] = e.twin_frame_too_big;
  drops["route_send_failed"] = e.route_send_failed;
  return drops;
}

void Appliance::registerShowCommands() {
  commands_.add("help", "list the commands", [this](const Words&) -> Result<json> {
    return json{{"commands", commands_.describe()}};
  });

  commands_.add("show log", "vlbd's newest log lines: show log [N] (default 50)", [](const Words& a) -> Result<json> {
    size_t n = 50;
    if (a.size() > 1) return fail("usage: show log [N]");
    if (a.size() == 1) {
      try {
        n = std::stoul(a[0]);
      } catch (...) {
        return fail("show log: \"" + a[0] + "\" is not a number");
      }
    }
    return json{{"lines", LogRing::instance().last(n)}};
  });
  commands_.add("show version", "software versions and uptime", [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show version"); !r) return r;
    json lcores = json::array();
    for (unsigned l : worker_lcores_) lcores.push_back(l);
    const auto up = std::chrono::steady_clock::now() - started_at_;
    return json{{"version", VLB_VERSION},
                {"dpdk", rte_version()},
                {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(up).count()},
                {"datapath_lcores", lcores},
                {"fib_generation", fib_generation_},
                {"netlink_overruns", follower_ ? follower_->overruns() : 0}};
  });

  commands_.add("show interfaces", "ports, their twins, counters and drops by reason",
                [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show interfaces"); !r) return r;
    json list = json::array();
    for (size_t i = 0; i < ports_.size(); ++i) {
      const PortRuntime& p = ports_[i];
      const dp::PortCountersSnapshot c = portCounters(i);
      const ExceptionCounters& e = p.exceptions;
      const json drops = dropsOf(i);
      uint64_t dropped = 0;
      for (const auto& [reason, n] : drops.items()) dropped += n.get<uint64_t>();
      json addresses = json::array();
      for (const auto& a : p.config.addresses) addresses.push_back(a.text);
      rte_eth_stats nic{};
      rte_eth_stats_get(p.port_id, &nic);
      list.push_back({
          {"name", p.config.name},
          {"role", config::roleName(p.config.role)},
          {"devargs", p.config.devargs},
          {"port_id", p.port_id},
          {"twin", p.twin->name()},
          {"twin_ifindex", p.twin->ifindex()},
          {"mac", macText(p.mac)},
          {"link_up", dp::portLinkUp(p.port_id)},
          {"mtu", p.config.mtu},
          {"addresses", addresses},
          {"counters", {{"rx_packets", c.rx_packets}, {"rx_bytes", c.rx_bytes},
                        {"tx_packets", c.tx_packets}, {"tx_bytes", c.tx_bytes},
                        {"forwarded", c.forwarded}, {"punted", c.punted},
                        {"injected", c.injected}, {"handed_off", c.handed_off}, {"dropped", dropped},
                        {"to_kernel", e.to_kernel}, {"from_kernel", e.from_kernel},
                        {"routed_by_kernel", e.routed_by_kernel}}},
          {"drops", drops},
          {"nic", {{"ipackets", nic.ipackets}, {"opackets", nic.opackets},
                   {"ibytes", nic.ibytes}, {"obytes", nic.obytes}, {"imissed", nic.imissed},
                   {"ierrors", nic.ierrors}, {"oerrors", nic.oerrors},
                   {"rx_nombuf", nic.rx_nombuf}}},
      });
    }
    json vlans = json::array();
    for (const PortRuntime& p : ports_)
      for (const auto& v : p.twin->vlans()) {
        json addresses = json::array();
        for (const auto& a : v.spec.addresses) addresses.push_back(a.text);
        vlans.push_back({{"name", v.spec.name}, {"port", p.config.name}, {"id", v.spec.id},
                         {"mtu", v.spec.mtu}, {"addresses", addresses}, {"ifindex", v.ifindex},
                         {"kernel_counters", kernelLinkCounters(v.spec.name)}});
      }
    return json{{"interfaces", list}, {"vlans", vlans}};
  });

  commands_.add("show drops", "every lost packet by reason, in all and per interface",
                [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show drops"); !r) return r;
    json total = json::object(), by_port = json::object();
    for (size_t i = 0; i < ports_.size(); ++i) {
      json nonzero = json::object();
      const json drops = dropsOf(i);
      for (const auto& [reason, n] : drops.items()) {
        total[reason] = total.value(reason, uint64_t(0)) + n.get<uint64_t>();
        if (n.get<uint64_t>()) nonzero[reason] = n;
      }
      by_port[ports_[i].config.name] = nonzero;
    }
    json nonzero_total = json::object();
    for (const auto& [reason, n] : total.items())
      if (n.get<uint64_t>()) nonzero_total[reason] = n;
    return json{{"drops", nonzero_total}, {"by_interface", by_port}};
  });

  commands_.add("show stats", "totals: packets, forwarding, the exception path, L4 connections",
                [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show stats"); !r) return r;
    dp::PortCountersSnapshot all;
    uint64_t dropped = 0, to_kernel = 0, from_kernel = 0;
    for (size_t i = 0; i < ports_.size(); ++i) {
      const auto c = portCounters(i);
      all.rx_packets += c.rx_packets, all.rx_bytes += c.rx_bytes;
      all.tx_packets += c.tx_packets, all.tx_bytes += c.tx_bytes;
      all.forwarded += c.forwarded, all.punted += c.punted, all.injected += c.injected;
      const json drops = dropsOf(i);
      for (const auto& [reason, n] : drops.items()) dropped += n.get<uint64_t>();
      to_kernel += ports_[i].exceptions.to_kernel, from_kernel += ports_[i].exceptions.from_kernel;
    }
    uint64_t opened = 0, closed = 0, flows = 0;
    double rate = 0;
    for (size_t s = 0; services_ && s < services_->list.size(); ++s) {
      const dp::l4::ServiceTotals t = serviceTotals(s);
      opened += t.opened;
      closed += t.closed;
      if (s < connections_per_second_.size()) rate += connections_per_second_[s];
    }
    for (const auto& e : engines_) flows += e->flows().connections();
    return json{{"rx_packets", all.rx_packets}, {"rx_bytes", all.rx_bytes},
                {"tx_packets", all.tx_packets}, {"tx_bytes", all.tx_bytes},
                {"forwarded", all.forwarded}, {"punted", all.punted}, {"injected", all.injected},
                {"to_kernel", to_kernel}, {"from_kernel", from_kernel}, {"dropped", dropped},
                {"l4_connections_opened", opened}, {"l4_connections_active", opened - closed},
                {"l4_connections_per_second", rate}, {"flow_table_connections", flows},
                {"flow_table_capacity", uint64_t(cfg_.datapath.connections) * engines_.size()}};
  });

  auto neighbours = [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show neighbours"); !r) return r;
    json list = json::array();
    for (const auto& n : tables_.neighbours) {
      if (!portOfIfindex(n.ifindex) || !dp::neighbourUsable(n.state)) continue;
      list.push_back({{"address", ipv4Text(n.address)}, {"mac", macText(n.mac)},
                      {"interface", interfaceName(n.ifindex)}, {"state", stateName(n.state)}});
    }
    return json{{"neighbours", list}};
  };
  commands_.add("show neighbours", "IPv4 neighbours the datapath forwards to", neighbours);
  commands_.add("show neighbors", "same as show neighbours", neighbours);

  commands_.add("show routes", "IPv4 routes of the kernel's main table through the ports",
                [this](const Words& a) -> Result<json> {
    if (auto r = noArguments(a, "show routes"); !r) return r;
    json list = json::array();
    for (const auto& r : tables_.routes) {
      if (!portOfIfindex(r.ifindex) || r.type != dp::RouteType::kUnicast) continue;
      list.push_back({{"destination", ipv4Text(r.destination) + "/" + std::to_string(r.length)},
                      {"gateway", r.gateway ? json(ipv4Text(r.gateway)) : json(nullptr)},
                      {"interface", interfaceName(r.ifindex)}});
    }
    return json{{"routes", list}};
  });
}

}  // namespace vlb::mgmt
