// The standard object kinds, one registration function per feature (kinds_*.cpp), and the
// pieces several features share. Internal to mgmt/model; a new feature adds a kinds_<f>.cpp
// and one line in standard_registry.cpp.
#pragma once

#include "mgmt/model/schema.h"

namespace vlb::model::kinds {

void registerSystem(Registry& registry);    // hostname, system, eal, control, datapath
void registerNetwork(Registry& registry);   // ports, routes, snat_pools, static_nats, forwarding
void registerL4(Registry& registry);        // virtual_services
void registerL7(Registry& registry);        // certificates, l7_services

// `check` of L4 services and L7 pools.
Field healthCheck();
// `state` of a real: enabled, disabled, drain.
Field realState();

}  // namespace vlb::model::kinds
