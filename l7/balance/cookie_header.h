// The persistence cookie on the wire: the Set-Cookie value the proxy adds to a response, and
// finding the cookie among those a client sends (RFC 6265).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "l7/http/types.h"
#include "mgmt/common/result.h"

namespace vlb::l7::balance {

enum class SameSite : uint8_t { kUnset, kLax, kStrict, kNone };

struct CookieAttributes {
  std::string name = "VLBSRV";
  std::string path = "/";
  std::string domain;  // empty: host-only cookie
  bool secure = true;  // false only for plain-HTTP services
  bool http_only = true;
  SameSite same_site = SameSite::kLax;
  std::optional<uint32_t> max_age;  // seconds; none: a session cookie
};

// Name is a token, path and domain are cookie-safe, SameSite=None requires Secure (browsers drop
// it otherwise). Errors name the field and value: persistence cookie name "a b": ...
Status validateCookieAttributes(const CookieAttributes& a);

// "VLBSRV=<value>; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax"
std::string buildSetCookie(const CookieAttributes& a, std::string_view value);

// The value of cookie `name` in one Cookie header value, or nullopt. The first one wins.
std::optional<std::string_view> findCookie(std::string_view cookie_header, std::string_view name);

// The same over every Cookie field of a request head.
std::optional<std::string_view> findCookie(const http::FieldList& fields, std::string_view name);

}  // namespace vlb::l7::balance
