// The appliance's own settings applied live by a commit: what needs a restart is refused first,
// static routes go to the kernel (the datapath follows the kernel's tables).
#include <algorithm>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"

namespace vlb::mgmt {

Status Appliance::refuseRestartChanges(const config::Config& next) const {
  if (next.ports.size() != cfg_.ports.size())
    return fail("ports: adding or removing a port needs a restart of vlbd");
  for (size_t i = 0; i < next.ports.size(); ++i)
    if (next.ports[i].devargs != cfg_.ports[i].devargs || next.ports[i].name != cfg_.ports[i].name)
      return fail("port \"" + next.ports[i].name + "\": changing its device needs a restart of vlbd");
  if (next.datapath.connections != cfg_.datapath.connections || next.eal.lcores != cfg_.eal.lcores)
    return fail("datapath: changing connections or lcores needs a restart of vlbd");
  return Ok{};
}

void Appliance::applySystem(const config::Config& next) { syncRoutes(next); }

// Static routes: the kernel gets the new ones and loses the removed ones; the datapath follows.
void Appliance::syncRoutes(const config::Config& next) {
  auto same = [](const config::Route& a, const config::Route& b) {
    return a.destination.text == b.destination.text && a.gateway.text == b.gateway.text;
  };
  for (const auto& old : cfg_.routes)
    if (std::none_of(next.routes.begin(), next.routes.end(), [&](const auto& r) { return same(r, old); }))
      if (auto st = deleteKernelRoute(old); !st) logLine(st.error());
  for (const auto& r : next.routes)
    if (std::none_of(cfg_.routes.begin(), cfg_.routes.end(), [&](const auto& o) { return same(o, r); }))
      if (auto st = addKernelRoute(r); !st) logLine(st.error());
}

}  // namespace vlb::mgmt
