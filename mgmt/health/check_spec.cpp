// Check spec defaults, parsing and validation; every message names the real, the field and value.
#include "mgmt/health/check_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

#include "mgmt/health/body_matcher.h"

namespace vlb::health {
namespace {

bool parseUnsigned(std::string_view s, unsigned max, unsigned& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool hasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

bool StatusRanges::contains(uint16_t status) const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& r) { return status >= r.first && status <= r.second; });
}

std::string StatusRanges::text() const {
  std::string out;
  for (const auto& [first, last] : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) out += "-" + std::to_string(last);
  }
  return out;
}

Result<StatusRanges> parseStatusRanges(std::string_view text) {
  StatusRanges out;
  out.ranges.clear();
  const std::string whole(text);
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t dash = item.find('-');
    unsigned first = 0, last = 0;
    const bool good = dash == std::string_view::npos
                          ? parseUnsigned(item, 599, first) && (last = first, true)
                          : parseUnsigned(trim(item.substr(0, dash)), 599, first) &&
                                parseUnsigned(trim(item.substr(dash + 1)), 599, last);
    if (!good || first < 100 || last < first)
      return fail("expected status \"" + whole + "\": \"" + std::string(item) +
                  "\" is not a code 100-599 or a range like 301-302");
    out.ranges.emplace_back(uint16_t(first), uint16_t(last));
  }
  if (out.ranges.empty()) return fail("expected status is empty: give codes like \"200,301-302\"");
  return out;
}

Duration CheckTiming::effectiveTimeout() const {
  if (timeout.count() > 0) return timeout;
  return std::min(interval, Duration(3000));
}

Result<uint32_t> parseIpv4(std::string_view text) {
  uint32_t out = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t dot = i < 3 ? text.find('.') : text.size();
    unsigned octet = 0;
    if (dot == std::string_view::npos || dot > 3 || !parseUnsigned(text.substr(0, dot), 255, octet))
      return fail("\"" + std::string(text) + "\" is not an IPv4 address");
    out = out << 8 | octet;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return out;
}

Result<CheckType> parseCheckType(std::string_view text) {
  for (CheckType t :
       {CheckType::kNone, CheckType::kIcmp, CheckType::kTcp, CheckType::kHttp, CheckType::kHttps})
    if (checkTypeName(t) == text) return t;
  return fail("check type \"" + std::string(text) +
              "\" is not one of none, icmp, tcp, http, https");
}

Status applyCheckUrl(std::string_view url, CheckSpec& spec) {
  const std::string whole(url);
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return fail("check url \"" + whole + "\": expected http://<real>/path or https://...");
  auto type = parseCheckType(url.substr(0, scheme_end));
  if (!type || (*type != CheckType::kHttp && *type != CheckType::kHttps))
    return fail("check url \"" + whole + "\": scheme must be http or https");
  url.remove_prefix(scheme_end + 3);
  const size_t path_start = std::min(url.find('/'), url.size());
  std::string_view authority = url.substr(0, path_start);
  const std::string path = path_start < url.size() ? std::string(url.substr(path_start)) : "/";
  std::string_view host = authority;
  unsigned port = 0;
  if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parseUnsigned(authority.substr(colon + 1), 65535, port) || port == 0)
      return fail("check url \"" + whole + "\": port \"" +
                  std::string(authority.substr(colon + 1)) + "\" is not 1-65535");
  }
  if (host.empty())
    return fail("check url \"" + whole + "\": host is empty (write <real> for the real's address)");
  if (hasControlChars(path) || path.find(' ') != std::string::npos)
    return fail("check url \"" + whole + "\": path has spaces or control characters");
  spec.type = *type;
  spec.port = uint16_t(port);
  spec.path = path;
  if (host != "<real>" && !parseIpv4(host)) spec.host = std::string(host);
  return Ok{};
}

Status validateCheckSpec(const CheckSpec& spec, std::string_view who) {
  const std::string w(who);
  const auto& t = spec.timing;
  if (t.interval < Duration(100) || t.interval > Duration(3600 * 1000))
    return fail(w + ": interval " + std::to_string(t.interval.count()) +
                " ms is outside 100 ms - 1 h");
  if (t.timeout.count() < 0 || t.timeout > t.interval)
    return fail(w + ": timeout " + std::to_string(t.timeout.count()) +
                " ms must be 0 (automatic) or at most the interval (" +
                std::to_string(t.interval.count()) + " ms)");
  if (t.rise < 1 || t.rise > 100)
    return fail(w + ": rise " + std::to_string(t.rise) + " is not 1-100");
  if (t.fall < 1 || t.fall > 100)
    return fail(w + ": fall " + std::to_string(t.fall) + " is not 1-100");
  if (t.jitter_percent > 50)
    return fail(w + ": jitter " + std::to_string(t.jitter_percent) + " % is not 0-50");
  const bool http = spec.type == CheckType::kHttp || spec.type == CheckType::kHttps;
  if (!http) return Ok{};
  if (spec.path.empty() || spec.path.front() != '/' || hasControlChars(spec.path) ||
      spec.path.find(' ') != std::string::npos)
    return fail(w + ": url path \"" + spec.path + "\" must start with / and have no spaces");
  if (hasControlChars(spec.host) || spec.host.find(' ') != std::string::npos)
    return fail(w + ": host \"" + spec.host + "\" has spaces or control characters");
  if (spec.expect.ranges.empty()) return fail(w + ": expected status list is empty");
  if (spec.method == HttpMethod::kHead && !spec.body_pattern.empty())
    return fail(w + ": body pattern \"" + spec.body_pattern + "\" needs method GET, not HEAD");
  if (spec.body_regex) {
    auto compiled = BodyMatcher::make(spec.body_pattern, true);
    if (!compiled) return fail(w + ": " + compiled.error());
  }
  if (!spec.extra_header.empty()) {
    const size_t colon = spec.extra_header.find(':');
    const std::string_view name = std::string_view(spec.extra_header).substr(0, colon);
    if (colon == std::string::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), isTokenChar) || hasControlChars(spec.extra_header))
      return fail(w + ": extra header \"" + spec.extra_header + "\" is not \"Name: value\"");
  }
  if (spec.tls_verify && spec.type != CheckType::kHttps)
    return fail(w + ": verify is only for https checks");
  if (spec.tls_verify) {
    if (spec.ca_file.empty()) return fail(w + ": verify needs a CA bundle file (ca_file)");
    if (!std::ifstream(spec.ca_file).good())
      return fail(w + ": CA bundle \"" + spec.ca_file + "\" cannot be read");
  }
  return Ok{};
}

}  // namespace vlb::health
