// The control thread's side of the L4 virtual services: compiling them at start, their VIPs on
// the kernel twins, keeping the reals' neighbours resolved, and the show commands.
#include <arpa/inet.h>

#include <cstdio>

#include "mgmt/daemon/appliance.h"
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
  auto services = compileServices(cfg_);
  if (!services) return Error{services.error()};
  services_ = std::move(*services);
  // Each VIP lives on a twin as a /32: the kernel answers ARP and ping for it, and the datapath
  // takes the service's ports before the kernel sees them.
  std::vector<std::string> done;
  for (const auto& vs : cfg_.virtual_services) {
    if (std::find(done.begin(), done.end(), vs.vip.text) != done.end()) continue;
    done.push_back(vs.vip.text);
    int port = portOnSubnet(cfg_, vs.vip);
    if (port < 0)
      for (size_t i = 0; i < cfg_.ports.size() && port < 0; ++i)
        if (cfg_.ports[i].role == config::PortRole::kExternal) port = int(i);
    if (port < 0) port = 0;
    config::IpPrefix vip{vs.vip, 32, vs.vip.text + "/32"};
    if (auto st = ports_[size_t(port)].twin->addAddress(vip); !st)
      return fail("virtual service \"" + vs.name + "\": " + st.error());
  }
  return Ok{};
}

// Reals on a port's subnet whose neighbour the kernel has not resolved are asked for, once a
// second: the datapath forwards only to resolved neighbours (the health checks, when they come,
// keep them fresh as a side effect).
void Appliance::resolveReals() {
  if (!services_ || services_->list.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resolve_ < kResolveInterval) return;
  last_resolve_ = now;
  for (const auto& vs : cfg_.virtual_services) {
    for (const auto& real : vs.reals) {
      const int port = portOnSubnet(cfg_, real.address);
      if (port < 0) continue;
      const uint32_t addr = ipv4HostOrder(real.address);
      const int ifindex = ports_[size_t(port)].twin->ifindex();
      bool resolved = false;
      for (const auto& n : tables_.neighbours)
        resolved |= n.address == addr && n.ifindex == ifindex && dp::neighbourUsable(n.state);
      if (!resolved) (void)resolveNeighbour(ifindex, real.address);
    }
  }
}

uint64_t Appliance::serviceOpened(size_t service) const {
  uint64_t opened = 0;
  for (const auto& e : engines_) opened += e->service(service).opened.get();
  return opened;
}

void Appliance::sampleRates() {
  if (!services_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_sample_).count();
  if (elapsed < 1.0) return;
  const size_t n = services_->list.size();
  opened_at_sample_.resize(n, 0);
  connections_per_second_.resize(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t opened = serviceOpened(i);
    if (last_sample_.time_since_epoch().count() != 0)
      connections_per_second_[i] = double(opened - opened_at_sample_[i]) / elapsed;
    opened_at_sample_[i] = opened;
  }
  last_sample_ = now;
}

void Appliance::registerServiceCommands() {
  auto serviceJson = [this](size_t i, bool with_reals) {
    const dp::l4::Service& s = services_->list[i];
    uint64_t in = 0, out = 0, bytes_in = 0, bytes_out = 0, opened = 0, closed = 0;
    for (const auto& e : engines_) {
      const auto& c = e->service(i);
      in += c.packets_in.get(), out += c.packets_out.get();
      bytes_in += c.bytes_in.get(), bytes_out += c.bytes_out.get();
      opened += c.opened.get(), closed += c.closed.get();
    }
    json j = {{"name", s.name}, {"vip", ipv4Text(s.vip)}, {"protocol", s.protocol == 6 ? "tcp" : "udp"},
              {"port", portsText(s)}, {"scheduler", std::string(dp::sched::kindName(s.scheduler->kind()))},
              {"snat", snatText(s.snat)}, {"reals", s.reals.size()},
              {"active_connections", opened - closed}, {"connections", opened},
              {"connections_per_second",
               i < connections_per_second_.size() ? connections_per_second_[i] : 0.0},
              {"packets_in", in}, {"packets_out", out}, {"bytes_in", bytes_in}, {"bytes_out", bytes_out}};
    if (!with_reals) return j;
    json reals = json::array();
    for (size_t r = 0; r < s.reals.size(); ++r) {
      uint64_t ro = 0, rc = 0, rp = 0;
      for (const auto& e : engines_) {
        ro += e->real(i, r).opened.get(), rc += e->real(i, r).closed.get();
        rp += e->real(i, r).packets.get();
      }
      reals.push_back({{"address", ipv4Text(s.reals[r].addr)},
                       {"port", s.reals[r].port ? json(s.reals[r].port) : json("same")},
                       {"weight", s.scheduler->effectiveWeight(uint32_t(r))},
                       {"eligible", s.scheduler->eligible(uint32_t(r))},
                       {"active_connections", ro - rc}, {"connections", ro}, {"packets_in", rp}});
    }
    j["real_servers"] = reals;
    return j;
  };

  commands_.add("show virtual-services", "L4 virtual services with their counters",
                [this, serviceJson](const Words& a) -> Result<json> {
    if (!a.empty()) return fail("\"show virtual-services\" takes no arguments");
    json list = json::array();
    for (size_t i = 0; services_ && i < services_->list.size(); ++i) list.push_back(serviceJson(i, false));
    return json{{"virtual_services", list}};
  });
  commands_.add("show virtual-service", "one L4 virtual service and its reals: show virtual-service NAME",
                [this, serviceJson](const Words& a) -> Result<json> {
    if (a.size() != 1) return fail("usage: show virtual-service NAME");
    for (size_t i = 0; services_ && i < services_->list.size(); ++i)
      if (services_->list[i].name == a[0]) return serviceJson(i, true);
    return fail("no virtual service named \"" + a[0] + "\"");
  });
}

}  // namespace vlb::mgmt
