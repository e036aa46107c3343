// The reals of L7 services with `transparent` (the proxy connects from the client's address):
// the kernel delivers their answers to the proxy (l7_transparent.cpp) and the datapath hands them
// to the kernel instead of routing them to the client.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>

#include "mgmt/config/config.h"

namespace vlb::mgmt {

struct TransparentReal {
  uint32_t address = 0;  // IPv4, host order
  uint16_t port = 0;     // the real's port (the service's when the config leaves it out)
  std::string text;      // the address as configured

  bool operator<(const TransparentReal& o) const { return std::tie(address, port) < std::tie(o.address, o.port); }
  bool operator==(const TransparentReal& o) const { return address == o.address && port == o.port; }
};

std::set<TransparentReal> transparentRealsOf(const config::Config& cfg);

}  // namespace vlb::mgmt
