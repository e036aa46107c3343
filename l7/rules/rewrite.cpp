// Location and Set-Cookie Domain rewriting.
#include "l7/rules/rewrite.h"

#include "l7/http/chars.h"
#include "l7/rules/host_pattern.h"

namespace vlb::l7::rules {

namespace chars = vlb::l7::http::chars;

namespace {

struct Authority {
  std::string_view host;
  std::string_view port;  // empty when not written
};

Authority splitAuthority(std::string_view a) {
  Authority out{a, {}};
  size_t colon = std::string_view::npos;
  if (!a.empty() && a.front() == '[') {
    const size_t close = a.find(']');
    if (close != std::string_view::npos && close + 1 < a.size() && a[close + 1] == ':')
      colon = close + 1;
  } else {
    colon = a.rfind(':');
  }
  if (colon != std::string_view::npos) {
    out.host = a.substr(0, colon);
    out.port = a.substr(colon + 1);
  }
  return out;
}

std::string_view defaultPort(bool https) { return https ? "443" : "80"; }

bool samePort(std::string_view a, std::string_view b, bool https) {
  if (a.empty()) a = defaultPort(https);
  if (b.empty()) b = defaultPort(https);
  return a == b;
}

// A mapping side matches when the host matches and, if the side has a port, the port does too.
bool authorityMatches(const Authority& location, std::string_view side, bool https) {
  const Authority want = splitAuthority(side);
  if (!chars::equalsLower(location.host, toLower(want.host))) return false;
  return want.port.empty() || samePort(location.port, want.port, https);
}

}  // namespace

std::optional<std::string> rewriteLocation(std::string_view location, const LocationRewrite& rule,
                                           std::string_view request_host) {
  bool https;
  if (startsWithLowered(location, "https://"))
    https = true;
  else if (startsWithLowered(location, "http://"))
    https = false;
  else
    return std::nullopt;  // relative reference or another scheme
  const size_t auth_begin = https ? 8 : 7;
  size_t auth_end = location.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = location.size();
  const std::string_view authority = location.substr(auth_begin, auth_end - auth_begin);
  const std::string_view rest = location.substr(auth_end);
  const Authority parsed = splitAuthority(authority);

  std::string new_authority(authority);
  bool ours = false, mapped = false;
  for (const HostMapping& m : rule.hosts) {
    if (authorityMatches(parsed, m.internal, https)) {
      new_authority = m.external;
      ours = mapped = true;
      break;
    }
  }
  if (!ours) {
    for (const HostMapping& m : rule.hosts)
      ours = ours || authorityMatches(parsed, splitAuthority(m.external).host, https);
    ours = ours || (!request_host.empty() &&
                    chars::equalsLower(parsed.host, toLower(hostForMatching(request_host))));
  }
  bool new_https = https;
  if (ours && rule.scheme == SchemeRewrite::kToHttps) new_https = true;
  if (ours && rule.scheme == SchemeRewrite::kToHttp) new_https = false;
  if (new_https != https && !mapped && parsed.port == defaultPort(https))
    new_authority = std::string(parsed.host);
  if (!mapped && new_https == https) return std::nullopt;

  std::string out = new_https ? "https://" : "http://";
  out += new_authority;
  out += rest;
  if (out == location) return std::nullopt;
  return out;
}

std::optional<std::string> rewriteSetCookieDomain(std::string_view set_cookie,
                                                  const std::vector<DomainMapping>& domains) {
  // Attributes follow the first ';' (RFC 6265 section 5.2); the name=value pair is never touched.
  size_t pos = set_cookie.find(';');
  while (pos != std::string_view::npos) {
    const size_t begin = pos + 1;
    size_t end = set_cookie.find(';', begin);
    if (end == std::string_view::npos) end = set_cookie.size();
    const std::string_view attribute = set_cookie.substr(begin, end - begin);
    const size_t eq = attribute.find('=');
    const std::string_view name = chars::trimOws(attribute.substr(0, eq));
    if (eq != std::string_view::npos && chars::equalsLower(name, "domain")) {
      const std::string_view raw = chars::trimOws(attribute.substr(eq + 1));
      const bool dot = !raw.empty() && raw.front() == '.';
      const std::string_view domain = dot ? raw.substr(1) : raw;
      for (const DomainMapping& m : domains) {
        if (!chars::equalsLower(domain, toLower(m.internal))) continue;
        const size_t value_begin = size_t(raw.data() - set_cookie.data());
        std::string out(set_cookie.substr(0, value_begin));
        if (dot) out += '.';
        out += m.external;
        out += set_cookie.substr(value_begin + raw.size());
        return out;
      }
    }
    pos = end == set_cookie.size() ? std::string_view::npos : end;
  }
  return std::nullopt;
}

}  // namespace vlb::l7::rules
