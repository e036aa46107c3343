// Compiles the configuration's virtual services into what the datapath reads (dp::l4::Services).
#pragma once

#include <memory>

#include "datapath/l4/l4_services.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"

namespace vlb::mgmt {

constexpr uint32_t kFlowTicksPerSecond = 1000;  // the datapath's flow clock is in milliseconds

Result<std::unique_ptr<dp::l4::Services>> compileServices(const config::Config& cfg);

// The port whose self-IP subnet holds `address` (a VIP, a real), or -1.
int portOnSubnet(const config::Config& cfg, const config::IpAddress& address);

uint32_t ipv4HostOrder(const config::IpAddress& a);

}  // namespace vlb::mgmt
