// Compiles the config's L4 services, static NATs and forwarding services into the datapath's
// tables (l4_compile.h), and finds where an address is on-link (a port's or a VLAN's subnet).
#include "mgmt/daemon/l4_compile.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <string>

#include "datapath/flow/flow_entry.h"
#include "mgmt/daemon/transparent_reals.h"

namespace vlb::mgmt {
namespace {

dp::sched::Kind kindOf(config::Scheduler s) {
  switch (s) {
    case config::Scheduler::kRr: return dp::sched::Kind::kRr;
    case config::Scheduler::kWrr: return dp::sched::Kind::kWrr;
    case config::Scheduler::kLc: return dp::sched::Kind::kLc;
    case config::Scheduler::kWlc: return dp::sched::Kind::kWlc;
    case config::Scheduler::kSh: return dp::sched::Kind::kSh;
    case config::Scheduler::kMaglev: return dp::sched::Kind::kMaglev;
  }
  return dp::sched::Kind::kRr;
}

}  // namespace

uint32_t ipv4HostOrder(const config::IpAddress& a) {
  return uint32_t(a.bytes[0]) << 24 | uint32_t(a.bytes[1]) << 16 | uint32_t(a.bytes[2]) << 8 |
         a.bytes[3];
}

std::optional<OnLink> onLinkOf(const config::Config& cfg, const config::IpAddress& address) {
  std::optional<OnLink> best;
  auto consider = [&](size_t port, const config::Vlan* vlan, const config::IpPrefix& self) {
    if (!config::prefixContains(self, address)) return;
    if (best && best->self.length >= self.length) return;
    best = OnLink{port, vlan ? vlan->name : "", vlan ? vlan->id : uint16_t(0), self};
  };
  for (size_t i = 0; i < cfg.ports.size(); ++i)
    for (const auto& self : cfg.ports[i].addresses) consider(i, nullptr, self);
  for (const auto& vlan : cfg.vlans)
    for (size_t i = 0; i < cfg.ports.size(); ++i)
      if (cfg.ports[i].name == vlan.port)
        for (const auto& self : vlan.addresses) consider(i, &vlan, self);
  return best;
}

std::string realIdentity(const config::Real& r) {
  return r.address.text + ":" + std::to_string(r.port);
}

namespace {

// The slot of each service of `cfg`: its old one by name, else a removed service's slot of that
// name, else a new one at the end.
std::vector<size_t> assignSlots(const config::Config& cfg, const dp::l4::Services* previous,
                                size_t* slot_count) {
  std::map<std::string, size_t> old;
  size_t count = previous ? previous->list.size() : 0;
  for (size_t i = 0; i < count; ++i) old[previous->list[i].name] = i;
  std::vector<size_t> slots;
  for (const auto& vs : cfg.virtual_services) {
    auto it = old.find(vs.name);
    slots.push_back(it != old.end() ? it->second : count++);
  }
  *slot_count = count;
  return slots;
}

dp::l4::Service baseOf(const config::Config& cfg, const config::VirtualService& vs) {
  dp::l4::Service s;
  s.name = vs.name;
  s.vip = ipv4HostOrder(vs.vip);
  s.protocol = vs.protocol == config::Protocol::kTcp ? 6 : 17;
  s.port_first = vs.port_first;
  s.port_last = vs.port_last;
  s.snat = vs.snat.mode == config::Snat::Mode::kNone      ? dp::l4::SnatMode::kNone
           : vs.snat.mode == config::Snat::Mode::kAutomap ? dp::l4::SnatMode::kAutomap
                                                          : dp::l4::SnatMode::kPool;
  for (const auto& pool : cfg.snat_pools)
    if (pool.name == vs.snat.pool)
      for (const auto& a : pool.addresses) s.pool.push_back(ipv4HostOrder(a));
  s.flow_flags = uint8_t((vs.tcp.loose_init ? dp::flow::kFlowLooseInit : 0) |
                         (vs.tcp.loose_close ? dp::flow::kFlowLooseClose : 0));
  s.idle_ticks = vs.idle_timeout_s * kFlowTicksPerSecond;
  s.persistence = vs.persistence.enabled;
  s.persistence_mask =
      vs.persistence.prefix_length == 0 ? 0 : ~uint32_t(0) << (32 - vs.persistence.prefix_length);
  s.persistence_ticks = vs.persistence.timeout_s * kFlowTicksPerSecond;
  s.reset_gone = vs.on_real_down == config::OnRealDown::kReset;
  return s;
}

// The reals of `vs` at their old indexes (new ones appended); reals no longer configured stay as
// gone placeholders. Fewer than `minimum_up` reals up: none takes new flows.
Status buildReals(const config::VirtualService& vs, const dp::l4::Service* old, const DownReals& down,
                  dp::l4::Service& s) {
  std::vector<dp::sched::Real> sched_reals;
  std::map<std::string, size_t> index;
  if (old && old->scheduler) {
    for (size_t r = 0; r < old->reals.size(); ++r) {
      const std::string& id = old->scheduler->identity(uint32_t(r));
      index[id] = r;
      sched_reals.push_back({id, 0, false});
      dp::l4::Real placeholder = old->reals[r];
      placeholder.gone = placeholder.removed = true;
      s.reals.push_back(placeholder);
    }
  }
  unsigned up = 0;
  for (const auto& r : vs.reals) {
    const std::string id = realIdentity(r);
    auto it = index.find(id);
    const size_t at = it != index.end() ? it->second : s.reals.size();
    if (at == s.reals.size()) {
      s.reals.emplace_back();
      sched_reals.push_back({id, 0, false});
    }
    const bool is_down = down.count(vs.name + "/" + id) > 0;
    const bool takes_new = r.enabled && r.state == config::RealState::kEnabled && !is_down;
    s.reals[at] = {ipv4HostOrder(r.address), r.port, is_down, false};
    sched_reals[at] = {id, uint16_t(r.weight), takes_new};
    if (takes_new && r.weight > 0) ++up;
  }
  if (vs.minimum_up && up < vs.minimum_up)
    for (auto& r : sched_reals) r.enabled = false;
  for (const auto& r : s.reals) s.any_gone |= r.gone;
  std::string error;
  const dp::sched::Table* history =
      old && old->scheduler && old->scheduler->kind() == kindOf(vs.scheduler) ? old->scheduler.get()
                                                                             : nullptr;
  s.scheduler = dp::sched::Table::build(kindOf(vs.scheduler), sched_reals, history, &error);
  if (!s.scheduler) return fail("virtual service \"" + vs.name + "\": " + error);
  return Ok{};
}

uint32_t maskOf(uint8_t length) { return length == 0 ? 0 : ~uint32_t(0) << (32 - length); }

uint32_t firstIpv4(const std::vector<config::IpPrefix>& addresses) {
  for (const auto& a : addresses)
    if (a.address.family == AF_INET) return ipv4HostOrder(a.address);
  return 0;
}

// Automap's source on port `i` when the FIB adjacency names none: the port's first IPv4 self IP,
// else the first of its VLANs' (a trunk port with addresses only on its VLANs), else 0.
uint32_t portAutomapSource(const config::Config& cfg, size_t i) {
  if (uint32_t own = firstIpv4(cfg.ports[i].addresses)) return own;
  for (const auto& vlan : cfg.vlans)
    if (vlan.port == cfg.ports[i].name)
      if (uint32_t on_vlan = firstIpv4(vlan.addresses)) return on_vlan;
  return 0;
}

// Every IPv4 self IP of the ports and of their VLANs.
std::vector<uint32_t> ipv4SelfIps(const config::Config& cfg) {
  std::vector<uint32_t> out;
  auto add = [&out](const std::vector<config::IpPrefix>& addresses) {
    for (const auto& a : addresses)
      if (a.address.family == AF_INET) out.push_back(ipv4HostOrder(a.address));
  };
  for (const auto& port : cfg.ports) add(port.addresses);
  for (const auto& vlan : cfg.vlans) add(vlan.addresses);
  return out;
}

// Static NATs keep their slot (their counters) by public address; removed ones stay as
// placeholders, taken again when that address comes back.
void compileStaticNats(const config::Config& cfg, const dp::l4::Services* previous,
                       dp::l4::Services& out) {
  if (previous) out.static_nats = previous->static_nats;
  for (auto& n : out.static_nats) n.removed = true;
  for (const auto& nat : cfg.static_nats) {
    const uint32_t pub = ipv4HostOrder(nat.public_address);
    auto it = std::find_if(out.static_nats.begin(), out.static_nats.end(),
                           [pub](const dp::l4::StaticNat& n) { return n.public_addr == pub; });
    if (it == out.static_nats.end()) {
      out.static_nats.push_back({pub, 0, uint16_t(out.static_nats.size()), false});
      it = out.static_nats.end() - 1;
    }
    it->private_addr = ipv4HostOrder(nat.private_address);
    it->removed = false;
    out.nat_by_public.push_back(*it);
    out.local_addresses.push_back(pub);
  }
  out.nat_by_private = out.nat_by_public;
  std::sort(out.nat_by_public.begin(), out.nat_by_public.end(),
            [](const auto& a, const auto& b) { return a.public_addr < b.public_addr; });
  std::sort(out.nat_by_private.begin(), out.nat_by_private.end(),
            [](const auto& a, const auto& b) { return a.private_addr < b.private_addr; });
}

// The port whose self IP automap uses while a destination's next hop is not resolved: the first
// external port with an IPv4 self IP of its own or on one of its VLANs (the way out of a
// forwarding service), else port 0.
uint8_t automapFallbackPort(const config::Config& cfg) {
  for (size_t i = 0; i < cfg.ports.size(); ++i)
    if (cfg.ports[i].role == config::PortRole::kExternal && portAutomapSource(cfg, i))
      return uint8_t(i);
  return 0;
}

// Forwarding services keep their slot (their flows and counters) by name, like services.
void compileForwarding(const config::Config& cfg, const dp::l4::Services* previous,
                       dp::l4::Services& out) {
  if (previous) out.forwarding = previous->forwarding;
  for (auto& f : out.forwarding) f.removed = true;
  const uint8_t fallback = automapFallbackPort(cfg);
  for (const auto& fs : cfg.forwarding_services) {
    auto it = std::find_if(out.forwarding.begin(), out.forwarding.end(),
                           [&fs](const dp::l4::Forwarding& f) { return f.name == fs.name; });
    if (it == out.forwarding.end()) {
      out.forwarding.emplace_back();
      it = out.forwarding.end() - 1;
    }
    dp::l4::Forwarding f;
    f.name = fs.name;
    f.mask = maskOf(fs.source.length);
    f.source = ipv4HostOrder(fs.source.address) & f.mask;
    f.snat = fs.snat == config::ForwardingService::Snat::kNone      ? dp::l4::SnatMode::kNone
             : fs.snat == config::ForwardingService::Snat::kAutomap ? dp::l4::SnatMode::kAutomap
                                                                    : dp::l4::SnatMode::kPool;
    for (const auto& pool : cfg.snat_pools)
      if (pool.name == fs.snat_pool)
        for (const auto& a : pool.addresses) f.pool.push_back(ipv4HostOrder(a));
    f.automap_port = fallback;
    *it = std::move(f);
    out.forwarding_order.push_back(uint16_t(it - out.forwarding.begin()));
  }
  // Longest source prefix first: the most specific service decides.
  std::stable_sort(
      out.forwarding_order.begin(), out.forwarding_order.end(),
      [&out](uint16_t a, uint16_t b) { return out.forwarding[a].mask > out.forwarding[b].mask; });
  for (const auto& f : out.forwarding)
    for (uint32_t a : f.pool) out.snat_addresses.push_back(a);
}

}  // namespace

Result<std::unique_ptr<dp::l4::Services>> compileServices(const config::Config& cfg,
                                                          const dp::l4::Services* previous,
                                                          const DownReals& down) {
  size_t slot_count = 0;
  const std::vector<size_t> slots = assignSlots(cfg, previous, &slot_count);
  std::vector<dp::ServiceKey> keys;
  for (size_t i = 0; i < cfg.virtual_services.size(); ++i) {
    const auto& vs = cfg.virtual_services[i];
    keys.push_back({ipv4HostOrder(vs.vip), uint8_t(vs.protocol == config::Protocol::kTcp ? 6 : 17),
                    vs.port_first, vs.port_last, uint16_t(slots[i])});
  }
  auto out = std::make_unique<dp::l4::Services>(keys);
  out->ticks_per_second = kFlowTicksPerSecond;
  out->timeouts = dp::flow::makeTimeoutProfile({}, kFlowTicksPerSecond);
  for (size_t i = 0; i < cfg.ports.size(); ++i) out->port_self_ip.push_back(portAutomapSource(cfg, i));
  out->list.resize(slot_count);
  std::vector<bool> filled(slot_count, false);
  for (size_t i = 0; i < cfg.virtual_services.size(); ++i) {
    const auto& vs = cfg.virtual_services[i];
    const dp::l4::Service* old =
        previous && slots[i] < previous->list.size() ? &previous->list[slots[i]] : nullptr;
    dp::l4::Service s = baseOf(cfg, vs);
    if (auto st = buildReals(vs, old, down, s); !st) return fail(st.error());
    out->list[slots[i]] = std::move(s);
    filled[slots[i]] = true;
  }
  // Removed services: placeholders that keep their flows' timeouts, and their reals for counters.
  for (size_t slot = 0; slot < slot_count; ++slot) {
    if (filled[slot]) continue;
    const dp::l4::Service& old = previous->list[slot];
    dp::l4::Service& s = out->list[slot];
    s.name = old.name, s.vip = old.vip, s.protocol = old.protocol;
    s.port_first = old.port_first, s.port_last = old.port_last;
    s.idle_ticks = old.idle_ticks, s.flow_flags = old.flow_flags, s.snat = old.snat;
    s.pool = old.pool;
    s.reset_gone = old.reset_gone;
    s.removed = true;
    s.scheduler = old.scheduler;
    s.reals = old.reals;
    for (auto& r : s.reals) r.gone = r.removed = true;
    s.any_gone = !s.reals.empty();
  }
  compileStaticNats(cfg, previous, *out);
  compileForwarding(cfg, previous, *out);
  const std::vector<uint32_t> self_ips = ipv4SelfIps(cfg);
  out->local_addresses.insert(out->local_addresses.end(), self_ips.begin(), self_ips.end());
  for (const auto& vs : cfg.virtual_services) out->local_addresses.push_back(ipv4HostOrder(vs.vip));
  for (const auto& l7 : cfg.l7_services)
    if (l7.address.family == AF_INET) out->local_addresses.push_back(ipv4HostOrder(l7.address));
  // For steering packets to the lcore that owns their flow (datapath/l4/steering.h): automap takes
  // the egress interface's self IP on the next hop's subnet, which may be any of them.
  out->snat_addresses.insert(out->snat_addresses.end(), self_ips.begin(), self_ips.end());
  for (const auto& s : out->list) {
    out->vips.push_back(s.vip);  // removed services' too: their flows go on
    for (uint32_t a : s.pool) out->snat_addresses.push_back(a);
    if (s.snat == dp::l4::SnatMode::kNone)
      for (const auto& r : s.reals) out->transparent_reals.push_back(r.addr);
  }
  for (const auto& real : transparentRealsOf(cfg))
    out->to_kernel.push_back(uint64_t(real.address) << 16 | real.port);
  std::sort(out->to_kernel.begin(), out->to_kernel.end());
  for (auto* v :
       {&out->vips, &out->snat_addresses, &out->transparent_reals, &out->local_addresses}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return out;
}

}  // namespace vlb::mgmt
