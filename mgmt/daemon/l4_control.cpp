// The control thread's side of the L4 virtual services, static NATs and forwarding services:
// compiling them at start, their VIPs and public addresses on the kernel twins, keeping the
// reals' and private addresses' neighbours resolved, and the show commands.
#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/daemon/text.h"
#include "mgmt/daemon/l4_compile.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

constexpr auto kResolveInterval = std::chrono::seconds(1);

std::string portsText(const dp::l4::Service& s) {
  if (s.port_first == 1 && s.port_last == 65535) return "any";
  if (s.port_first == s.port_last) return std::to_string(s.port_first);
  return std::to_string(s.port_first) + "-" + std::to_string(s.port_last);
}

const char* snatText(dp::l4::SnatMode m) {
  return m == dp::l4::SnatMode::kNone ? "none" : m == dp::l4::SnatMode::kAutomap ? "automap" : "pool";
}

}  // namespace

Status Appliance::startServices() {
  auto services = compileServices(cfg_, nullptr, down_reals_);
  if (!services) return Error{services.error()};
  services_ = std::move(*services);
  return syncVips(cfg_);
}

namespace {

// The twin port a VIP lives on: the port on its subnet (a VLAN's port for a VIP on a VLAN's subnet:
// the kernel answers ARP for any of its addresses on the VLAN sub-interface too), else the first
// external one, else 0.
size_t vipPort(const config::Config& cfg, const config::IpAddress& vip) {
  if (const auto on_link = onLinkOf(cfg, vip)) return on_link->port;
  for (size_t i = 0; i < cfg.ports.size(); ++i)
    if (cfg.ports[i].role == config::PortRole::kExternal) return i;
  return 0;
}

// The kernel interface a neighbour on `on_link` is resolved on: the port's twin, or its VLAN
// sub-interface (none while that is not there, e.g. a kernel without 802.1Q support).
std::optional<int> neighbourInterface(const KernelTwin& twin, const OnLink& on_link) {
  if (on_link.vlan.empty()) return twin.ifindex();
  for (const auto& v : twin.vlans())
    if (v.spec.name == on_link.vlan) return v.ifindex;
  return std::nullopt;
}

std::set<std::string> vipsOf(const config::Config& cfg) {
  std::set<std::string> out;
  for (const auto& vs : cfg.virtual_services) out.insert(vs.vip.text);
  for (const auto& s : cfg.l7_services) out.insert(s.address.text);
  for (const auto& n : cfg.static_nats) out.insert(n.public_address.text);
  return out;
}

// Every VIP with the name of a service using it (L4 and L7 services may share one).
std::vector<std::pair<config::IpAddress, std::string>> vipList(const config::Config& cfg) {
  std::vector<std::pair<config::IpAddress, std::string>> out;
  for (const auto& vs : cfg.virtual_services) out.push_back({vs.vip, vs.name});
  for (const auto& s : cfg.l7_services) out.push_back({s.address, s.name});
  for (const auto& n : cfg.static_nats)
    out.push_back({n.public_address, "static NAT " + n.public_address.text});
  return out;
}

}  // namespace

// Each VIP lives on a twin as a /32: the kernel answers ARP and ping for it, and the datapath
// takes the service's ports before the kernel sees them. A static NAT's public address too: the
// kernel answers ARP for it, the datapath translates every packet to it first.
Status Appliance::syncVips(const config::Config& next) {
  const auto wanted = vipsOf(next);
  for (const auto& [vip, service] : vipList(next)) {
    if (installed_vips_.count(vip.text)) continue;
    const size_t port = vipPort(next, vip);
    if (auto st = ports_[port].twin->addAddress({vip, 32, vip.text + "/32"}); !st)
      return fail("service \"" + service + "\": " + st.error());
    installed_vips_[vip.text] = {vip, port};
  }
  for (auto it = installed_vips_.begin(); it != installed_vips_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    const auto& [address, port] = it->second;
    if (auto st = ports_[port].twin->removeAddress({address, 32, address.text + "/32"}); !st)
      logLine(st.error());
    it = installed_vips_.erase(it);
  }
  return Ok{};
}

// The next generation of the services, compiled and with every engine ready for its slots; nothing
// the datapath reads has changed yet.
Result<std::unique_ptr<dp::l4::Services>> Appliance::prepareServices(const config::Config& next) {
  auto compiled = compileServices(next, services_.get(), down_reals_);
  if (!compiled) return Error{compiled.error()};
  for (const auto& e : engines_)
    if (!e->prepare(**compiled))
      return fail("virtual services: more than " + std::to_string(dp::l4::Engine::kMaxServices) +
                  " services created since start, or more than " +
                  std::to_string(dp::sched::kMaxReals) + " reals in one; restart vlbd");
  return compiled;
}

void Appliance::publishServices(std::unique_ptr<dp::l4::Services> fresh) {
  published_services_.store(fresh.get(), std::memory_order_release);
  // Every datapath lcore past a quiescent point no longer reads the old generation.
  if (workers_running_) rte_rcu_qsbr_synchronize(rcu_, RTE_QSBR_THRID_INVALID);
  services_ = std::move(fresh);
}

Status Appliance::publishServices(const config::Config& next) {
  auto fresh = prepareServices(next);
  if (!fresh) return Error{fresh.error()};
  publishServices(std::move(*fresh));
  return Ok{};
}

// All or nothing: everything that can be refused (restart-only changes, checks, the services'
// compilation, VIP addresses, the L7 engines) is done before the datapath sees the new services;
// a refusal puts the VIP addresses back as they were.
Status Appliance::applyConfig(const config::Config& next) {
  if (auto st = refuseRestartChanges(next); !st) return st;
  for (const auto& c : checksOf(next, nullptr))
    if (auto st = health::validateCheckSpec(c.spec, "virtual service \"" + c.real.service + "\" check");
        !st)
      return st;
  auto fresh = prepareServices(next);
  if (!fresh) return Error{fresh.error()};
  auto undo = [this](const std::string& why) -> Status {
    if (auto st = syncVips(cfg_); !st) logLine("VIP addresses not restored: " + st.error());
    return fail(why);
  };
  if (auto st = syncVips(next); !st) return undo(st.error());
  if (auto st = applyL7(next); !st) return undo(st.error());
  publishServices(std::move(*fresh));
  applySystem(next);
  cfg_ = next;
  if (auto st = applyHealth(cfg_); !st) logLine("health checks not updated: " + st.error());
  return Ok{};
}

// Reals on a port's or a VLAN's subnet whose neighbour the kernel has not resolved are asked for,
// once a second, on the twin or the VLAN sub-interface: the datapath forwards only to resolved
// neighbours (the health checks, when they come, keep them fresh as a side effect).
// Static NATs' private addresses likewise.
void Appliance::resolveReals() {
  if (!services_ || (services_->list.empty() && cfg_.static_nats.empty())) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resolve_ < kResolveInterval) return;
  last_resolve_ = now;
  auto resolve = [this](const config::IpAddress& address) {
    const auto on_link = onLinkOf(cfg_, address);
    if (!on_link) return;
    const auto ifindex = neighbourInterface(*ports_[on_link->port].twin, *on_link);
    if (!ifindex) return;
    const uint32_t addr = ipv4HostOrder(address);
    bool resolved = false;
    for (const auto& n : tables_.neighbours)
      resolved |= n.address == addr && n.ifindex == *ifindex && dp::neighbourUsable(n.state);
    if (!resolved) (void)resolveNeighbour(*ifindex, address);
  };
  for (const auto& vs : cfg_.virtual_services)
    for (const auto& real : vs.reals) resolve(real.address);
  for (const auto& nat : cfg_.static_nats) resolve(nat.private_address);
}

uint64_t Appliance::serviceOpened(size_t service) const { return serviceTotals(service).opened; }

dp::l4::ServiceTotals Appliance::serviceTotals(size_t service) const {
  dp::l4::ServiceTotals t;
  for (const auto& e : engines_) t.accumulate(e->service(service));
  return t;
}

dp::l4::RealTotals Appliance::realTotals(size_t service, size_t real) const {
  dp::l4::RealTotals t;
  for (const auto& e : engines_) t.accumulate(e->real(service, real));
  return t;
}

void Appliance::sampleRates() {
  if (!services_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_sample_).count();
  if (elapsed < 1.0) return;
  const size_t n = services_->list.size();
  opened_at_sample_.resize(n, 0);
  connections_per_second_.resize(n, 0);
  real_opened_at_sample_.resize(n);
  real_connections_per_second_.resize(n);
  const bool first = last_sample_.time_since_epoch().count() == 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t opened = serviceOpened(i);
    if (!first) connections_per_second_[i] = double(opened - opened_at_sample_[i]) / elapsed;
    opened_at_sample_[i] = opened;
    const size_t reals = services_->list[i].reals.size();
    real_opened_at_sample_[i].resize(reals, 0);
    real_connections_per_second_[i].resize(reals, 0);
    for (size_t r = 0; r < reals; ++r) {
      const uint64_t real_opened = realTotals(i, r).opened;
      if (!first)
        real_connections_per_second_[i][r] = double(real_opened - real_opened_at_sample_[i][r]) / elapsed;
      real_opened_at_sample_[i][r] = real_opened;
    }
  }
  last_sample_ = now;
}

// A configured real of a service by "address" or "address:port"; nullptr when none (or several).
static config::Real* findReal(config::Config& cfg, const std::string& service, const std::string& which,
                       std::string* error) {
  for (auto& vs : cfg.virtual_services) {
    if (vs.name != service) continue;
    config::Real* found = nullptr;
    for (auto& r : vs.reals) {
      if (realIdentity(r) != which && r.address.text != which) continue;
      if (found) {
        *error = "virtual service \"" + service + "\" has several reals at " + which +
                 ": name one as ADDRESS:PORT";
        return nullptr;
      }
      found = &r;
    }
    if (!found) *error = "virtual service \"" + service + "\" has no real " + which;
    return found;
  }
  *error = "no virtual service named \"" + service + "\"";
  return nullptr;
}

std::string Appliance::realState(const std::string& service, const std::string& identity,
                                 const dp::l4::Real& real) const {
  for (const auto& vs : cfg_.virtual_services) {
    if (vs.name != service) continue;
    for (const auto& r : vs.reals) {
      if (realIdentity(r) != identity) continue;
      if (!r.enabled || r.state == config::RealState::kDisabled) return "disabled";
      if (r.state == config::RealState::kDrain) return "drain";
      return real.gone ? "down" : "up";
    }
  }
  return "removed";
}

void Appliance::registerServiceCommands() {
  // Operators' everyday change: take a real out of service (drain: established flows go on, no
  // new ones) and back, live.
  auto setState = [this](const Words& a, config::RealState state) -> Result<json> {
    if (a.size() != 2) return fail("usage: enable|disable|drain real-server SERVICE ADDRESS[:PORT]");
    config::Config next = cfg_;
    std::string error;
    config::Real* real = findReal(next, a[0], a[1], &error);
    if (!real) return fail(error);
    real->state = state;
    real->enabled = state == config::RealState::kEnabled;
    if (auto st = applyConfig(next); !st) return fail(st.error());
    return json{{"service", a[0]}, {"real", realIdentity(*real)},
                {"state", std::string(config::realStateName(state))}};
  };
  commands_.add("enable real-server", "let a real take new flows: enable real-server SERVICE ADDRESS[:PORT]",
                [setState](const Words& a) { return setState(a, config::RealState::kEnabled); });
  commands_.add("disable real-server",
                "no new flows to a real, established ones go on: disable real-server SERVICE ADDRESS[:PORT]",
                [setState](const Words& a) { return setState(a, config::RealState::kDisabled); });
  commands_.add("drain real-server", "like disable: drain real-server SERVICE ADDRESS[:PORT]",
                [setState](const Words& a) { return setState(a, config::RealState::kDrain); });

  auto serviceJson = [this](size_t i, bool with_reals) {
    const dp::l4::Service& s = services_->list[i];
    const dp::l4::ServiceTotals t = serviceTotals(i);
    json j = {{"name", s.name}, {"vip", ipv4Text(s.vip)}, {"protocol", s.protocol == 6 ? "tcp" : "udp"},
              {"port", portsText(s)}, {"scheduler", std::string(dp::sched::kindName(s.scheduler->kind()))},
              {"snat", snatText(s.snat)}, {"reals", s.reals.size()},
              {"active_connections", t.opened - t.closed}, {"connections", t.opened},
              {"connections_per_second",
               i < connections_per_second_.size() ? connections_per_second_[i] : 0.0},
              {"packets_in", t.packets_in}, {"packets_out", t.packets_out},
              {"bytes_in", t.bytes_in}, {"bytes_out", t.bytes_out},
              {"refused", t.refused}, {"resets", t.resets}};
    if (!with_reals) return j;
    json reals = json::array();
    for (size_t r = 0; r < s.reals.size(); ++r) {
      if (s.reals[r].removed) continue;
      const dp::l4::RealTotals rt = realTotals(i, r);
      const double rate = i < real_connections_per_second_.size() &&
                                  r < real_connections_per_second_[i].size()
                              ? real_connections_per_second_[i][r]
                              : 0.0;
      reals.push_back({{"address", ipv4Text(s.reals[r].addr)},
                       {"port", s.reals[r].port ? json(s.reals[r].port) : json("same")},
                       {"weight", s.scheduler->effectiveWeight(uint32_t(r))},
                       {"eligible", s.scheduler->eligible(uint32_t(r))},
                       {"state", realState(s.name, s.scheduler->identity(uint32_t(r)), s.reals[r])},
                       {"active_connections", rt.opened - rt.closed}, {"connections", rt.opened},
                       {"connections_per_second", rate}, {"packets_in", rt.packets_in},
                       {"bytes_in", rt.bytes_in}, {"packets_out", rt.packets_out},
                       {"bytes_out", rt.bytes_out}});
    }
    j["real_servers"] = reals;
    return j;
  };

  // Static NATs and forwarding services: what the datapath does with them, with the counters
  // summed over the lcores.
  auto natTotals = [this](bool forwarding, size_t slot) {
    dp::l4::NatTotals t;
    for (const auto& e : engines_)
      t.accumulate(forwarding ? e->forwarding(slot) : e->staticNat(slot));
    return t;
  };
  commands_.add("show static-nats", "1:1 static NATs with their packet counters",
                [this, natTotals](const Words& a) -> Result<json> {
                  if (!a.empty()) return fail("\"show static-nats\" takes no arguments");
                  json list = json::array();
                  for (size_t i = 0; services_ && i < services_->static_nats.size(); ++i) {
                    const dp::l4::StaticNat& n = services_->static_nats[i];
                    if (n.removed) continue;
                    const dp::l4::NatTotals t = natTotals(false, n.slot);
                    list.push_back({{"public", ipv4Text(n.public_addr)},
                                    {"private", ipv4Text(n.private_addr)},
                                    {"packets_in", t.packets_in},
                                    {"bytes_in", t.bytes_in},
                                    {"packets_out", t.packets_out},
                                    {"bytes_out", t.bytes_out}});
                  }
                  return json{{"static_nats", list}};
                });
  commands_.add("show forwarding-services", "forwarding services with their counters",
                [this, natTotals](const Words& a) -> Result<json> {
                  if (!a.empty()) return fail("\"show forwarding-services\" takes no arguments");
                  json list = json::array();
                  for (size_t i = 0; services_ && i < services_->forwarding.size(); ++i) {
                    const dp::l4::Forwarding& f = services_->forwarding[i];
                    if (f.removed) continue;
                    const dp::l4::NatTotals t = natTotals(true, i);
                    int length = 0;
                    for (uint32_t m = f.mask; m; m <<= 1) ++length;
                    json j = {{"name", f.name},
                              {"source", ipv4Text(f.source) + "/" + std::to_string(length)},
                              {"snat", snatText(f.snat)},
                              {"packets_out", t.packets_out},
                              {"bytes_out", t.bytes_out}};
                    if (f.snat != dp::l4::SnatMode::kNone) {
                      j["packets_in"] = t.packets_in;
                      j["bytes_in"] = t.bytes_in;
                      j["connections"] = t.opened;
                      j["active_connections"] = t.opened - t.closed;
                      j["refused"] = t.refused;
                    }
                    list.push_back(j);
                  }
                  return json{{"forwarding_services", list}};
                });

  commands_.add("show virtual-services", "L4 virtual services with their counters",
                [this, serviceJson](const Words& a) -> Result<json> {
    if (!a.empty()) return fail("\"show virtual-services\" takes no arguments");
    json list = json::array();
    for (size_t i = 0; services_ && i < services_->list.size(); ++i)
      if (!services_->list[i].removed) list.push_back(serviceJson(i, false));
    return json{{"virtual_services", list}};
  });
  commands_.add("show virtual-service", "one L4 virtual service and its reals: show virtual-service NAME",
                [this, serviceJson](const Words& a) -> Result<json> {
    if (a.size() != 1) return fail("usage: show virtual-service NAME");
    for (size_t i = 0; services_ && i < services_->list.size(); ++i)
      if (services_->list[i].name == a[0] && !services_->list[i].removed) return serviceJson(i, true);
    return fail("no virtual service named \"" + a[0] + "\"");
  });
}

}  // namespace vlb::mgmt
