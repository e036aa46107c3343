// Response header rewriting for published applications: pure functions over header values.
//
// Location: a back end behind TLS offload redirects to "http://exch01.corp.local/owa/"; the client
// must see "https://mail.example.com/owa/". Set-Cookie: a cookie for "Domain=corp.local" must be
// for "Domain=example.com" or the browser drops it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlb::l7::rules {

// internal -> public; either side may carry a port ("exch01.corp.local:8080").
struct HostMapping {
  std::string internal;
  std::string external;
};

enum class SchemeRewrite : uint8_t { kKeep, kToHttps, kToHttp };

struct LocationRewrite {
  std::vector<HostMapping> hosts;
  SchemeRewrite scheme = SchemeRewrite::kKeep;
};

// The rewritten Location, or nullopt when the value stays as it is. Relative references and
// other schemes are left alone. The authority is replaced when it matches a mapping's internal
// side (host case-insensitively; a mapping without port matches any port, one with a port matches
// that port, the scheme's default port counting as written). The scheme is changed only for a
// Location that points at us: a mapped host, a mapping's external host, or `request_host` (the
// host the client asked for); then an explicit default port of the old scheme is dropped.
// Redirects to foreign sites are never touched.
std::optional<std::string> rewriteLocation(std::string_view location, const LocationRewrite& rule,
                                           std::string_view request_host);

struct DomainMapping {
  std::string internal;  // "corp.local"
  std::string external;  // "example.com"
};

// The Set-Cookie value with its Domain attribute mapped (case-insensitive, a leading dot kept as
// the cookie had it), or nullopt when it has no Domain attribute or no mapping applies. Only whole
// domains are mapped: "Domain=exch01.corp.local" is not changed by a "corp.local" mapping.
std::optional<std::string> rewriteSetCookieDomain(std::string_view set_cookie,
                                                  const std::vector<DomainMapping>& domains);

}  // namespace vlb::l7::rules
