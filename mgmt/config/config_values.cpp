// Value readers shared by the parsers of mgmt/config: object names, list labels, IPv4
// addresses and prefixes, port numbers.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {

const char* checkObjectName(std::string_view s) {
  bool good = !s.empty() && s.size() <= 63 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  return good ? nullptr : "is not a valid name (1 to 63 of A-Z, a-z, 0-9, _, - and .)";
}

// RFC 1123: dot-separated labels of 1-63 letters, digits and hyphens, no hyphen at either end.
const char* checkHostname(std::string_view s) {
  const char* why = "is not a valid hostname (RFC 1123: labels of letters, digits and -)";
  if (s.empty() || s.size() > 253) return why;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = std::min(s.find('.', start), s.size());
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return why;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return why;
    }
    start = end + 1;
  }
  return nullptr;
}

const char* checkAbsolutePath(std::string_view s) {
  if (s.empty() || s.front() != '/') return "is not an absolute path";
  if (s.back() == '/') return "ends with / (expected a file)";
  if (s.find('\0') != std::string_view::npos) return "contains a NUL byte";
  return nullptr;
}

std::string label(std::string_view list, size_t index, const Json& item) {
  std::string out = std::string(list) + "[" + std::to_string(index) + "]";
  auto name = item.is_object() ? item.find("name") : item.end();
  if (item.is_object() && name != item.end() && name->is_string() &&
      checkObjectName(name->get_ref<const std::string&>()) == nullptr)
    out += " " + quote(name->get_ref<const std::string&>());
  return out;
}

bool readIpv4(FieldReader& r, std::string_view field, const Json& value, IpAddress& out) {
  if (!value.is_string()) {
    r.refuse(field, describe(value) + " is not a string");
    return false;
  }
  auto a = parseIpAddress(value.get_ref<const std::string&>());
  if (!a) {
    r.refuse(field, a.error());
    return false;
  }
  if (a->family != AF_INET) {
    r.refuse(field, a->text + " is IPv6; services, NAT and SNAT pools are IPv4 for now");
    return false;
  }
  out = *a;
  return true;
}

bool readIpv4Field(FieldReader& r, std::string_view field, Need need, IpAddress& out) {
  const Json* v = r.field(field, need);
  return v != nullptr && readIpv4(r, field, *v, out);
}

bool readPrefixField(FieldReader& r, std::string_view field, Need need, IpPrefix& out) {
  const Json* v = r.field(field, need);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    r.refuse(field, describe(*v) + " is not a string");
    return false;
  }
  auto p = parseIpPrefix(v->get_ref<const std::string&>());
  if (!p) {
    r.refuse(field, p.error());
    return false;
  }
  out = *p;
  return true;
}

bool parsePortNumber(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 65535) return false;
  out = uint16_t(v);
  return true;
}

void readPort(FieldReader& r, std::string_view field, Need need, uint16_t& out) {
  if (r.field(field, need) == nullptr) return;
  unsigned port = out;
  r.number(field, port, 1, 65535, NumberRule::kRange);
  out = uint16_t(port);
}

}  // namespace vlb::config::detail
