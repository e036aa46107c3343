// Texts that change whenever anything the L7 runtime compiles changes (certificates and
// l7_services), so that a commit touching only L4 objects leaves the L7 engines alone.
#pragma once

#include <string>

#include "mgmt/config/config.h"

namespace vlb::mgmt::l7 {

std::string l7Fingerprint(const config::Config& cfg);

// The same restricted to what the proxy engine is started with (services, addresses, TLS,
// timeouts, access logs): equal fingerprints mean only the directors' decisions changed (rules,
// pools, reals, persistence, rewriting), which a running engine can take without a restart.
std::string l7ListenerFingerprint(const config::Config& cfg);

}  // namespace vlb::mgmt::l7
