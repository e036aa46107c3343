// A client's IP address as persistence sees it: IPv4 or IPv6 in 16 bytes, IPv4-mapped IPv6
// (from dual-stack sockets) folded to IPv4, and masked to a prefix so that clients behind one
// proxy farm or NAT range share a real.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace vlb::l7::balance {

struct ClientAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes, the rest zero
  bool v6 = false;

  static std::optional<ClientAddress> fromSockaddr(const sockaddr* sa);
  static std::optional<ClientAddress> parse(std::string_view text);  // "192.0.2.1", "2001:db8::1"

  // The address with all bits after the first v4_prefix (IPv4) or v6_prefix (IPv6) bits cleared.
  ClientAddress masked(uint8_t v4_prefix, uint8_t v6_prefix) const;
  std::string toString() const;

  bool operator==(const ClientAddress&) const = default;
};

struct ClientAddressHash {
  size_t operator()(const ClientAddress& a) const;
};

}  // namespace vlb::l7::balance
