#include "mgmt/daemon/l4_compile.h"

#include <arpa/inet.h>

#include <string>

#include "datapath/flow/flow_entry.h"

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

int portOnSubnet(const config::Config& cfg, const config::IpAddress& address) {
  for (size_t i = 0; i < cfg.ports.size(); ++i)
    for (const auto& p : cfg.ports[i].addresses)
      if (config::prefixContains(p, address)) return int(i);
  return -1;
}

Result<std::unique_ptr<dp::l4::Services>> compileServices(const config::Config& cfg) {
  std::vector<dp::ServiceKey> keys;
  for (size_t i = 0; i < cfg.virtual_services.size(); ++i) {
    const auto& vs = cfg.virtual_services[i];
    keys.push_back({ipv4HostOrder(vs.vip), uint8_t(vs.protocol == config::Protocol::kTcp ? 6 : 17),
                    vs.port_first, vs.port_last, uint16_t(i)});
  }
  auto out = std::make_unique<dp::l4::Services>(keys);
  out->ticks_per_second = kFlowTicksPerSecond;
  out->timeouts = dp::flow::makeTimeoutProfile({}, kFlowTicksPerSecond);
  for (const auto& port : cfg.ports) {
    uint32_t self = 0;
    for (const auto& a : port.addresses)
      if (a.address.family == AF_INET) {
        self = ipv4HostOrder(a.address);
        break;
      }
    out->port_self_ip.push_back(self);
  }
  for (const auto& vs : cfg.virtual_services) {
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
    std::vector<dp::sched::Real> reals;
    for (const auto& r : vs.reals) {
      s.reals.push_back({ipv4HostOrder(r.address), r.port});
      reals.push_back({r.address.text + ":" + std::to_string(r.port), uint16_t(r.weight), r.enabled});
    }
    std::string error;
    s.scheduler = dp::sched::Table::build(kindOf(vs.scheduler), reals, nullptr, &error);
    if (!s.scheduler) return fail("virtual service \"" + vs.name + "\": " + error);
    out->list.push_back(std::move(s));
  }
  return out;
}

}  // namespace vlb::mgmt
