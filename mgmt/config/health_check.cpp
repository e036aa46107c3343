// The "check" object of L4 virtual services and L7 pools: how a real is probed.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "mgmt/config/config_internal.h"

namespace vlb::config {

std::string_view checkTypeName(CheckType type) {
  constexpr std::string_view names[] = {"none", "icmp", "tcp", "http", "https"};
  return names[static_cast<size_t>(type)];
}

namespace detail {
namespace {

constexpr std::pair<std::string_view, CheckType> kCheckTypes[] = {
    {"none", CheckType::kNone}, {"icmp", CheckType::kIcmp}, {"tcp", CheckType::kTcp},
    {"http", CheckType::kHttp}, {"https", CheckType::kHttps}};
constexpr std::pair<std::string_view, CheckMethod> kMethods[] = {{"GET", CheckMethod::kGet},
                                                                 {"HEAD", CheckMethod::kHead}};
constexpr unsigned kMaxInterval = 3600;

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c < 0x21 || c == 0x7f; });
}

const char* checkUrl(std::string_view s) {
  if (s.empty() || s.front() != '/') return "is not a URL path (expected e.g. \"/owa/healthcheck.htm\")";
  if (hasControl(s)) return "contains a space or a control character";
  return nullptr;
}

const char* checkHostHeader(std::string_view s) {
  if (s.empty() || s.size() > 255 || hasControl(s)) return "is not a host name";
  return nullptr;
}

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

const char* checkHeaderLine(std::string_view s) {
  const char* why = "is not a header line (expected \"Name: value\")";
  size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos) return why;
  if (!std::all_of(s.begin(), s.begin() + colon, isTokenChar)) return why;
  if (s.find_first_of("\r\n") != std::string_view::npos) return "contains a line break";
  return nullptr;
}

bool parseStatus(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 100 || v > 599) return false;
  out = uint16_t(v);
  return true;
}

// "200", "200,301-302": comma-separated codes and ranges of 100-599.
bool parseExpect(std::string_view s, std::vector<StatusRange>& out) {
  std::vector<StatusRange> ranges;
  while (true) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    size_t dash = item.find('-');
    StatusRange r;
    if (!parseStatus(item.substr(0, dash), r.first)) return false;
    r.last = r.first;
    if (dash != std::string_view::npos && (!parseStatus(item.substr(dash + 1), r.last) || r.last < r.first))
      return false;
    ranges.push_back(r);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  out = std::move(ranges);
  return true;
}

void readCheck(FieldReader& r, HealthCheck& c) {
  r.onlyFields({"type", "port", "method", "url", "host", "expect", "body", "header", "verify",
                "ca_file", "interval_s", "timeout_s", "rise", "fall"});
  readChoice(r, "type", Need::kRequired, kCheckTypes, c.type);
  if (!r.ok()) return;
  const bool http = c.type == CheckType::kHttp || c.type == CheckType::kHttps;
  for (std::string_view f : {"method", "url", "host", "expect", "body", "header"})
    if (!http && r.field(f, Need::kOptional)) r.refuse(f, "applies to http and https checks only");
  for (std::string_view f : {"verify", "ca_file"})
    if (c.type != CheckType::kHttps && r.field(f, Need::kOptional))
      r.refuse(f, "applies to https checks only");
  if (c.type != CheckType::kTcp && c.type != CheckType::kHttp && c.type != CheckType::kHttps &&
      r.field("port", Need::kOptional))
    r.refuse("port", "applies to tcp, http and https checks only");
  readPort(r, "port", Need::kOptional, c.port);
  readChoice(r, "method", Need::kOptional, kMethods, c.method);
  r.text("url", c.url, Need::kOptional, checkUrl);
  r.text("host", c.host, Need::kOptional, checkHostHeader);
  r.text("expect", c.expect_text, Need::kOptional, nullptr);
  if (r.ok() && !parseExpect(c.expect_text, c.expect))
    r.refuse("expect", quote(c.expect_text) +
                           " is not a list of status codes (expected e.g. \"200\" or \"200,301-302\", codes 100-599)");
  r.text("body", c.body, Need::kOptional, nullptr);
  r.text("header", c.header, Need::kOptional, checkHeaderLine);
  r.boolean("verify", c.verify);
  r.text("ca_file", c.ca_file, Need::kOptional, checkAbsolutePath);
  r.number("interval_s", c.interval_s, 1, kMaxInterval, NumberRule::kRange);
  c.timeout_s = std::min(c.interval_s, 3u);
  r.number("timeout_s", c.timeout_s, 1, kMaxInterval, NumberRule::kRange);
  if (r.ok() && c.timeout_s > c.interval_s)
    r.refuse("timeout_s", std::to_string(c.timeout_s) + " is longer than interval_s (" +
                              std::to_string(c.interval_s) + ")");
  r.number("rise", c.rise, 1, 100, NumberRule::kRange);
  r.number("fall", c.fall, 1, 100, NumberRule::kRange);
}

}  // namespace

void readHealthCheck(FieldReader& top, std::optional<HealthCheck>& out) {
  HealthCheck check;
  if (readNested(top, "check", [&](FieldReader& r) { readCheck(r, check); })) out = check;
}

}  // namespace detail
}  // namespace vlb::config
