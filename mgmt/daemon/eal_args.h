// The EAL command line vlbd builds from its configuration.
#pragma once

#include <string>
#include <vector>

#include "mgmt/config/config.h"

namespace vlb::mgmt {

// With no_huge and no memory size, EAL's own 64 MiB is too little for the ports' rings.
constexpr unsigned kDefaultNoHugeMemoryMb = 512;

std::vector<std::string> ealArguments(const config::Config& cfg, const std::string& argv0);

}  // namespace vlb::mgmt
