// IP address and prefix text, through inet_pton/inet_ntop so forms match the kernel's tools.
#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "mgmt/config/config_internal.h"

namespace vlb::config {
namespace {

constexpr size_t kMaxAddressText = INET6_ADDRSTRLEN - 1;

// Parses `text` into `out`; false when it is not an IPv4 or IPv6 address.
bool toAddress(std::string_view text, IpAddress& out) {
  if (text.empty() || text.size() > kMaxAddressText) return false;
  if (text.find('\0') != std::string_view::npos) return false;
  std::string s(text);
  int family = s.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  IpAddress a;
  if (inet_pton(family, s.c_str(), a.bytes.data()) != 1) return false;
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, a.bytes.data(), buf, sizeof buf) == nullptr) return false;
  a.family = family;
  a.text = buf;
  out = std::move(a);
  return true;
}

// Parses a decimal prefix length of 1 to 3 digits.
bool toLength(std::string_view text, unsigned& out) {
  if (text.empty() || text.size() > 3) return false;
  unsigned n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  out = n;
  return true;
}

}  // namespace

Result<IpAddress> parseIpAddress(std::string_view text) {
  IpAddress a;
  if (toAddress(text, a)) return a;
  return fail(detail::quote(text) +
              " is not an IP address (expected e.g. 192.0.2.1 or 2001:db8::1)");
}

Result<IpPrefix> parseIpPrefix(std::string_view text) {
  bool v6 = text.find(':') != std::string_view::npos;
  std::string example = v6 ? "2001:db8::1/64" : "192.0.2.1/24";
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail(detail::quote(text) + " has no prefix length (expected e.g. " + example + ")");
  }
  IpPrefix p;
  unsigned length = 0;
  if (!toAddress(text.substr(0, slash), p.address) || !toLength(text.substr(slash + 1), length)) {
    return fail(detail::quote(text) + " is not an IP prefix (expected e.g. " + example + ")");
  }
  unsigned max = p.address.family == AF_INET ? 32 : 128;
  if (length > max) {
    return fail(detail::quote(text) + " has a prefix length above " + std::to_string(max));
  }
  p.length = static_cast<uint8_t>(length);
  p.text = p.address.text + "/" + std::to_string(length);
  return p;
}

std::string_view roleName(PortRole role) {
  switch (role) {
    case PortRole::kExternal:
      return "external";
    case PortRole::kInternal:
      return "internal";
    case PortRole::kDmz:
      return "dmz";
  }
  return "unknown";
}

std::string_view schedulerName(Scheduler scheduler) {
  constexpr std::string_view names[] = {"rr", "wrr", "lc", "wlc", "sh", "maglev"};
  return names[static_cast<size_t>(scheduler)];
}

std::string_view protocolName(Protocol protocol) {
  return protocol == Protocol::kTcp ? "tcp" : "udp";
}

bool prefixContains(const IpPrefix& prefix, const IpAddress& address) {
  if (prefix.address.family != address.family) return false;
  const auto& p = prefix.address.bytes;
  const auto& a = address.bytes;
  size_t whole = prefix.length / 8;
  unsigned rest = prefix.length % 8;
  if (!std::equal(p.begin(), p.begin() + whole, a.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (p[whole] & mask) == (a[whole] & mask);
}

}  // namespace vlb::config
