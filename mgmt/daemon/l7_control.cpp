// The control thread's side of the L7 services. Until the L7 runtime (mgmt/l7) is wired here,
// a configuration with L7 services is refused whole, saying so — never accepted and ignored.
#include "mgmt/daemon/appliance.h"

namespace vlb::mgmt {

Status Appliance::startL7() { return applyL7(cfg_); }

Status Appliance::applyL7(const config::Config& next) {
  if (!next.l7_services.empty())
    return fail("l7_services[0] \"" + next.l7_services[0].name +
                "\": L7 services are not supported by this build of vlbd yet");
  return Ok{};
}

void Appliance::stopL7() { l7_.reset(); }

void Appliance::registerL7Commands() {}

}  // namespace vlb::mgmt
