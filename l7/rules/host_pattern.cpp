// Host reduction and exact / wildcard host patterns.
#include "l7/rules/host_pattern.h"

#include "l7/http/chars.h"

namespace vlb::l7::rules {

namespace chars = vlb::l7::http::chars;

std::string_view hostForMatching(std::string_view authority) {
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close != std::string_view::npos) host = host.substr(0, close + 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

bool equalsLowered(std::string_view s, std::string_view lower_pattern) {
  return chars::equalsLower(s, lower_pattern);
}

bool startsWithLowered(std::string_view s, std::string_view lower_prefix) {
  return s.size() >= lower_prefix.size() &&
         chars::equalsLower(s.substr(0, lower_prefix.size()), lower_prefix);
}

bool endsWithLowered(std::string_view s, std::string_view lower_suffix) {
  return s.size() >= lower_suffix.size() &&
         chars::equalsLower(s.substr(s.size() - lower_suffix.size()), lower_suffix);
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = chars::lower(c);
  return out;
}

namespace {

// A DNS-like name as the HTTP parser accepts in Host (ALPHA DIGIT - . _ ~), no empty label.
bool validName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return chars::allOf(name, chars::kHostName);
}

bool validIpv6Literal(std::string_view name) {
  if (name.size() < 4 || name.front() != '[' || name.back() != ']') return false;
  for (char c : name.substr(1, name.size() - 2))
    if (!chars::is(c, chars::kHex) && c != ':' && c != '.') return false;
  return true;
}

}  // namespace

Status HostPatterns::add(std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    const std::string_view suffix = pattern.substr(2);
    if (!validName(suffix))
      return fail("a wildcard must be \"*.\" followed by a host name (letters, digits, - . _ ~)");
    suffixes_.push_back("." + toLower(suffix));
    return Ok{};
  }
  if (pattern.find('*') != std::string_view::npos)
    return fail("'*' is only allowed as the whole first label (\"*.example.com\")");
  if (pattern.find(':') != std::string_view::npos && !validIpv6Literal(pattern))
    return fail("a host pattern has no port (rules ignore the port)");
  if (!validName(pattern) && !validIpv6Literal(pattern))
    return fail("not a host name (letters, digits, - . _ ~) or a bracketed IPv6 address");
  exact_.push_back(toLower(pattern));
  return Ok{};
}

bool HostPatterns::matches(std::string_view host) const {
  for (const std::string& e : exact_)
    if (equalsLowered(host, e)) return true;
  for (const std::string& s : suffixes_)
    if (host.size() > s.size() && endsWithLowered(host, s)) return true;
  return false;
}

}  // namespace vlb::l7::rules
