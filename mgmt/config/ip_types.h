// IP address and prefix values of the configuration (parsed by parseIpAddress/parseIpPrefix).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vlb::config {

// An IPv4 or IPv6 address; `bytes` holds 4 or 16 bytes in network order.
struct IpAddress {
  int family = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  std::string text;  // canonical text form, e.g. "192.0.2.1"

  bool operator==(const IpAddress& o) const { return family == o.family && bytes == o.bytes; }
};

// An address with a prefix length, e.g. a self IP "192.0.2.1/24" or a route "0.0.0.0/0".
struct IpPrefix {
  IpAddress address;
  uint8_t length = 0;
  std::string text;  // canonical text form, e.g. "192.0.2.1/24"
};

}  // namespace vlb::config
