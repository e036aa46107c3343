// Set-Cookie building and Cookie parsing for the persistence cookie.
#include "l7/balance/cookie_header.h"

#include "l7/http/chars.h"

namespace vlb::l7::balance {

namespace chars = vlb::l7::http::chars;

namespace {

// cookie-av text (RFC 6265 section 4.1.1): CHAR except CTLs and ';'.
bool avText(std::string_view s) {
  for (char c : s)
    if (uint8_t(c) < 0x20 || uint8_t(c) >= 0x7f || c == ';') return false;
  return true;
}

Error bad(std::string_view field, std::string_view value, std::string_view why) {
  return fail("persistence cookie " + std::string(field) + " \"" + std::string(value) +
              "\": " + std::string(why));
}

}  // namespace

Status validateCookieAttributes(const CookieAttributes& a) {
  if (a.name.empty() || !chars::allOf(a.name, chars::kToken))
    return bad("name", a.name, "not a cookie name (a token: letters, digits, !#$%&'*+-.^_`|~)");
  if (a.path.empty() || a.path.front() != '/' || !avText(a.path))
    return bad("path", a.path, "a path starts with '/' and has no ';' or control characters");
  if (!a.domain.empty() && !chars::allOf(a.domain, chars::kHostName))
    return bad("domain", a.domain, "not a domain name");
  if (a.same_site == SameSite::kNone && !a.secure)
    return bad("same_site", "None", "needs secure (browsers refuse SameSite=None without it)");
  return Ok{};
}

std::string buildSetCookie(const CookieAttributes& a, std::string_view value) {
  std::string out;
  out.reserve(a.name.size() + value.size() + a.path.size() + a.domain.size() + 64);
  out += a.name;
  out += '=';
  out += value;
  out += "; Path=";
  out += a.path;
  if (!a.domain.empty()) {
    out += "; Domain=";
    out += a.domain;
  }
  if (a.max_age) {
    out += "; Max-Age=";
    out += std::to_string(*a.max_age);
  }
  if (a.secure) out += "; Secure";
  if (a.http_only) out += "; HttpOnly";
  switch (a.same_site) {
    case SameSite::kUnset:
      break;
    case SameSite::kLax:
      out += "; SameSite=Lax";
      break;
    case SameSite::kStrict:
      out += "; SameSite=Strict";
      break;
    case SameSite::kNone:
      out += "; SameSite=None";
      break;
  }
  return out;
}

std::optional<std::string_view> findCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    if (end == std::string_view::npos) end = header.size();
    const std::string_view pair = chars::trimOws(header.substr(0, end));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return value;
    }
    header.remove_prefix(end == header.size() ? end : end + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> findCookie(const http::FieldList& fields, std::string_view name) {
  for (const http::HeaderField f : fields) {
    if (!chars::equalsLower(f.name, "cookie")) continue;
    if (auto v = findCookie(f.value, name)) return v;
  }
  return std::nullopt;
}

}  // namespace vlb::l7::balance
