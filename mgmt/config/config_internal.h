// Declarations shared by the files of mgmt/config; not part of its public API.
#pragma once

#include <string_view>
#include <vector>

#include "mgmt/config/config.h"
#include "mgmt/config/field_reader.h"

namespace vlb::config::detail {

// Parses JSON text into `out`. Refuses syntax errors (`line L, column C: ...`), a field that
// appears twice in one object, and nesting deeper than any config needs.
Status parseDocument(std::string_view text, Json& out);


// The top-level "ports" and "routes" arrays. Routes are checked against the ports.
Status parsePorts(const Json& list, std::vector<Port>& out);
Status parseRoutes(const Json& list, const std::vector<Port>& ports, std::vector<Route>& out);

// The "snat_pools" and "virtual_services" arrays; services are checked against the pools and
// the ports' self IPs.
Status parseSnatPools(const Json& list, std::vector<SnatPool>& out);
Status parseVirtualServices(const Json& list, const Config& cfg, std::vector<VirtualService>& out);

}  // namespace vlb::config::detail
