// One L7 service compiled from the config: its TLS server context (certificates by SNI, cipher
// preset, the appliance's ticket keys; a generated self-signed certificate when an https service
// has none), its upstream client context for re-encryption, and its Director. Nothing here runs:
// L7Runtime hands these to a proxy engine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "l7/tls/client_context.h"
#include "l7/tls/server_context.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"
#include "mgmt/l7/service_director.h"
#include "mgmt/l7/shared_state.h"

namespace vlb::mgmt::l7 {

struct CompiledService {
  config::L7Service config;
  std::shared_ptr<::vlb::l7::tls::ServerContext> server_tls;    // https only
  std::shared_ptr<::vlb::l7::tls::ClientContext> upstream_tls;  // re-encrypt only
  std::vector<std::string> certificate_names;  // config names in ServerContext order; "" = generated
  std::unique_ptr<ServiceDirector> director;   // moved into the runtime's DirectorSwitch
};

// Errors name the service (or certificate), the field and the value.
Result<std::unique_ptr<CompiledService>> compileService(const config::L7Service& service,
                                                        const config::Config& cfg,
                                                        SharedState& state,
                                                        const DirectorOptions& options = {});

}  // namespace vlb::mgmt::l7
