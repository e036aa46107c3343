// The control thread's side of the real-server checks: the checks of every L4 service's reals
// from the config (mgmt/health runs them on this thread's epoll), their verdicts turned into a new
// generation of the services (a down real takes no new flows; its flows follow on_real_down), and
// `show real-servers`.
#include <sys/epoll.h>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/daemon/text.h"
#include "mgmt/health/health_checker.h"
#include "mgmt/l7/l7_runtime.h"
#include "mgmt/l7/service_director.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

health::CheckType typeOf(config::CheckType t) {
  switch (t) {
    case config::CheckType::kNone: return health::CheckType::kNone;
    case config::CheckType::kIcmp: return health::CheckType::kIcmp;
    case config::CheckType::kTcp: return health::CheckType::kTcp;
    case config::CheckType::kHttp: return health::CheckType::kHttp;
    case config::CheckType::kHttps: return health::CheckType::kHttps;
  }
  return health::CheckType::kTcp;
}

health::AdminState adminOf(const config::Real& r) {
  if (!r.enabled && r.state == config::RealState::kEnabled) return health::AdminState::kDraining;
  if (r.state == config::RealState::kDisabled) return health::AdminState::kDisabled;
  if (r.state == config::RealState::kDrain) return health::AdminState::kDraining;
  return health::AdminState::kEnabled;
}

// The self IP (a port's or a VLAN's) whose subnet holds `real`: checks leave from it, through the
// twin or its VLAN sub-interface. 0 (the kernel picks) when the real is not on-link.
uint32_t sourceFor(const config::Config& cfg, const config::IpAddress& real) {
  const auto on_link = onLinkOf(cfg, real);
  if (!on_link || on_link->self.address.family != AF_INET) return 0;
  return ipv4HostOrder(on_link->self.address);
}

double secondsSince(health::TimePoint t) {
  if (t.time_since_epoch().count() == 0) return 0;
  return std::chrono::duration<double>(health::Clock::now() - t).count();
}

}  // namespace

namespace {

health::CheckSpec specOf(const config::Config& cfg, const config::HealthCheck& c,
                         const config::IpAddress& real) {
  health::CheckSpec spec;
  spec.type = typeOf(c.type);
  spec.port = c.port;
  spec.method = c.method == config::CheckMethod::kHead ? health::HttpMethod::kHead : health::HttpMethod::kGet;
  spec.path = c.url;
  spec.host = c.host;
  spec.expect.ranges.clear();
  for (const auto& range : c.expect) spec.expect.ranges.push_back({range.first, range.last});
  spec.body_pattern = c.body;
  spec.extra_header = c.header;
  spec.tls_verify = c.verify;
  spec.ca_file = c.ca_file;
  spec.source = sourceFor(cfg, real);
  spec.timing.interval = std::chrono::seconds(c.interval_s);
  spec.timing.timeout = std::chrono::seconds(c.timeout_s);
  spec.timing.rise = c.rise;
  spec.timing.fall = c.fall;
  return spec;
}

health::AdminState adminOf(config::RealState state) {
  if (state == config::RealState::kDisabled) return health::AdminState::kDisabled;
  if (state == config::RealState::kDrain) return health::AdminState::kDraining;
  return health::AdminState::kEnabled;
}

}  // namespace

std::vector<health::RealCheck> Appliance::checksOf(const config::Config& cfg,
                                                   std::map<health::RealKey, std::string>* names) const {
  std::vector<health::RealCheck> out;
  // L7 pools: the key's service is "SERVICE/POOL"; verdicts go to the L7 runtime ("l7:" names).
  for (const auto& svc : cfg.l7_services) {
    for (const auto& pool : svc.pools) {
      if (!pool.check) continue;
      for (const auto& r : pool.reals) {
        health::RealCheck rc;
        rc.real = {svc.name + "/" + pool.name, ipv4HostOrder(r.address), r.port ? r.port : svc.port};
        rc.spec = specOf(cfg, *pool.check, r.address);
        rc.admin = adminOf(r.state);
        if (names) (*names)[rc.real] = "l7:" + svc.name + "|" + l7::l7RealIdentity(r, svc.port);
        out.push_back(std::move(rc));
      }
    }
  }
  for (const auto& vs : cfg.virtual_services) {
    if (!vs.check) continue;
    const config::HealthCheck& c = *vs.check;
    for (const auto& r : vs.reals) {
      health::RealCheck rc;
      rc.real = {vs.name, ipv4HostOrder(r.address), r.port ? r.port : vs.port_first};
      rc.spec = specOf(cfg, c, r.address);
      rc.admin = adminOf(r);
      if (names) (*names)[rc.real] = vs.name + "/" + realIdentity(r);
      out.push_back(std::move(rc));
    }
  }
  return out;
}

Status Appliance::startHealth() {
  auto checker = health::HealthChecker::create([this](const health::HealthEvent& e) { onHealthEvent(e); });
  if (!checker) return fail("health checks: " + checker.error());
  checker_ = std::move(*checker);
  loop_.add(checker_->fd(), EPOLLIN, [this](uint32_t) { checker_->run(health::Clock::now()); });
  return applyHealth(cfg_);
}

Status Appliance::applyHealth(const config::Config& next) {
  if (!checker_) return Ok{};
  std::map<health::RealKey, std::string> names;
  const auto checks = checksOf(next, &names);
  if (auto st = checker_->setChecks(checks, health::Clock::now()); !st) return st;
  health_names_ = std::move(names);
  // Reals no longer checked are no longer down.
  DownReals still;
  for (const auto& [key, name] : health_names_)
    if (down_reals_.count(name)) still.insert(name);
  down_reals_ = std::move(still);
  return Ok{};
}

// A real changed state: the datapath gets a generation where a down real takes no new flows.
void Appliance::onHealthEvent(const health::HealthEvent& e) {
  logLine(e.text());
  auto it = health_names_.find(e.real);
  if (it == health_names_.end()) return;
  const bool down = e.to == health::HealthState::kDown;
  if (it->second.rfind("l7:", 0) == 0) {  // an L7 pool's real: the L7 runtime skips it
    const size_t bar = it->second.find('|');
    if (l7_) (void)l7_->setRealUp(it->second.substr(3, bar - 3), it->second.substr(bar + 1), !down);
    return;
  }
  if (down == bool(down_reals_.count(it->second))) return;
  if (down)
    down_reals_.insert(it->second);
  else
    down_reals_.erase(it->second);
  if (!services_) return;  // at start: startServices compiles with down_reals_
  if (auto st = publishServices(cfg_); !st) logLine("health: cannot publish the services: " + st.error());
}

void Appliance::registerHealthCommands() {
  commands_.add("show real-servers", "every checked real: state, last result, latency, since when",
                [this](const Words& a) -> Result<json> {
    if (!a.empty()) return fail("\"show real-servers\" takes no arguments");
    json rows = json::array();
    if (!checker_) return json{{"real_servers", rows}};
    for (const auto& v : checker_->snapshot()) {
      rows.push_back({{"service", v.real.service},
                      {"real", ipv4Text(v.real.address) + ":" + std::to_string(v.real.port)},
                      {"check", std::string(health::checkTypeName(v.type))},
                      {"state", std::string(health::healthStateName(v.state))},
                      {"admin", std::string(health::adminStateName(v.admin))},
                      {"since_s", secondsSince(v.since)},
                      {"last_result", std::string(health::reasonName(v.last_reason))},
                      {"last_status", v.last_status},
                      {"latency_ms", double(v.last_latency.count())},
                      {"checks", v.checks},
                      {"failed_checks", v.failed_checks},
                      {"transitions", v.transitions}});
    }
    return json{{"real_servers", rows}};
  });
}

}  // namespace vlb::mgmt
