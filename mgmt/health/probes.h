// Constructors of the probe kinds; makeProbe() picks one by check type.
#pragma once

#include <memory>

#include "mgmt/health/probe.h"

namespace vlb::health {

std::unique_ptr<Probe> makeTcpProbe(const CheckSpec& spec, const ProbeTarget& target);
std::unique_ptr<Probe> makeHttpProbe(const CheckSpec& spec, const ProbeTarget& target);
std::unique_ptr<Probe> makeIcmpProbe(const CheckSpec& spec, const ProbeTarget& target);

}  // namespace vlb::health
