// Content rules of an L7 service ("rules", first match wins) and their actions, also used for
// "default_action". Regexes are compiled once here with PCRE2 so a bad one is refused with
// PCRE2's own reason and offset.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <span>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr std::string_view kPlaceholders[] = {"{scheme}", "{host}", "{uri}", "{path}", "{query}"};

// PCRE2's reason a pattern does not compile, or an empty string.
std::string regexError(const std::string& pattern) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF, &code, &offset, nullptr);
  if (re != nullptr) {
    pcre2_code_free(re);
    return {};
  }
  PCRE2_UCHAR text[160];
  pcre2_get_error_message(code, text, sizeof text);
  return quote(pattern) + " is not a valid regex: " + reinterpret_cast<const char*>(text) +
         " at offset " + std::to_string(offset);
}

void readRegex(FieldReader& r, std::string_view field, std::string& out) {
  r.text(field, out, Need::kOptional, nullptr);
  if (!r.ok() || out.empty()) return;
  if (std::string why = regexError(out); !why.empty()) r.refuse(field, why);
}

const char* checkPathPrefix(std::string_view s) {
  if (s.empty() || s.front() != '/') return "is not a path prefix (expected e.g. \"/owa\")";
  if (std::any_of(s.begin(), s.end(), [](char c) { return c <= 0x20 || c == 0x7f; }))
    return "contains a space or a control character";
  return nullptr;
}

const char* checkWildcard(std::string_view s) {
  if (s.size() < 3 || s.substr(0, 2) != "*.") return "is not a host wildcard (expected e.g. \"*.example.com\")";
  return checkHostname(s.substr(2)) ? "is not a host wildcard (expected e.g. \"*.example.com\")" : nullptr;
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

const char* checkMethod(std::string_view s) {
  bool good = isToken(s) && std::none_of(s.begin(), s.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  return good ? nullptr : "is not an HTTP method (upper case, e.g. \"GET\" or \"RPC_IN_DATA\")";
}

const char* checkHeaderName(std::string_view s) {
  return isToken(s) ? nullptr : "is not a header name (expected e.g. \"User-Agent\")";
}

// {scheme} {host} {uri} {path} {query} and literal text; no other braces.
const char* checkLocation(std::string_view s) {
  if (s.empty()) return "is empty (expected e.g. \"https://{host}{uri}\")";
  for (size_t at = s.find_first_of("{}"); at != std::string_view::npos; at = s.find_first_of("{}", at)) {
    auto known = std::find_if(std::begin(kPlaceholders), std::end(kPlaceholders),
                              [&](std::string_view p) { return s.substr(at, p.size()) == p; });
    if (known == std::end(kPlaceholders))
      return "has an unknown placeholder (expected {scheme}, {host}, {uri}, {path} or {query})";
    at += known->size();
  }
  if (std::any_of(s.begin(), s.end(), [](char c) { return c <= 0x20 || c == 0x7f; }))
    return "contains a space or a control character";
  return nullptr;
}

const char* checkContentType(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || s.find_first_of("\r\n") != std::string_view::npos)
    return "is not a media type (expected e.g. \"text/html\")";
  return nullptr;
}

void readHeaderMatch(FieldReader& r, HeaderMatch& h) {
  r.onlyFields({"name", "value", "regex", "present"});
  r.text("name", h.name, Need::kRequired, checkHeaderName);
  int given = 0;
  for (std::string_view f : {"value", "regex", "present"}) given += r.field(f, Need::kOptional) ? 1 : 0;
  if (r.ok() && given != 1) return r.refuseObject("give exactly one of \"value\", \"regex\" and \"present\"");
  if (r.field("value", Need::kOptional)) {
    h.kind = HeaderMatch::Kind::kValue;
    r.text("value", h.pattern, Need::kOptional, nullptr);
  } else if (r.field("regex", Need::kOptional)) {
    h.kind = HeaderMatch::Kind::kRegex;
    readRegex(r, "regex", h.pattern);
  } else {
    bool present = true;
    r.boolean("present", present);
    if (r.ok() && !present) r.refuse("present", "false is not allowed (leave the header match out instead)");
  }
}

void readMatch(FieldReader& r, RuleMatch& m) {
  r.onlyFields({"host", "host_wildcard", "host_regex", "path_prefix", "path_regex", "methods", "header"});
  r.text("host", m.host, Need::kOptional, checkHostname);
  r.text("host_wildcard", m.host_wildcard, Need::kOptional, checkWildcard);
  readRegex(r, "host_regex", m.host_regex);
  r.text("path_prefix", m.path_prefix, Need::kOptional, checkPathPrefix);
  readRegex(r, "path_regex", m.path_regex);
  r.textList("methods", m.methods, checkMethod);
  HeaderMatch header;
  if (readNested(r, "header", [&](FieldReader& n) { readHeaderMatch(n, header); })) m.header = header;
}

void readRedirect(FieldReader& r, RuleAction& a) {
  r.onlyFields({"status", "location"});
  a.status = 302;
  r.number("status", a.status, 301, 308, NumberRule::kRange);
  if (r.ok() && (a.status == 304 || a.status == 305 || a.status == 306))
    r.refuse("status", std::to_string(a.status) + " is not a redirect status (301, 302, 303, 307 or 308)");
  r.text("location", a.location, Need::kRequired, checkLocation);
}

void readRespond(FieldReader& r, RuleAction& a) {
  r.onlyFields({"status", "content_type", "body"});
  a.status = 200;
  r.number("status", a.status, 200, 599, NumberRule::kRange);
  r.text("content_type", a.content_type, Need::kOptional, checkContentType);
  r.text("body", a.body, Need::kOptional, nullptr);
}

void readRule(FieldReader& r, const L7Service& s, std::span<const L7Rule> before, L7Rule& rule) {
  r.onlyFields({"name", "match", "action"});
  r.text("name", rule.name, Need::kRequired, checkObjectName);
  for (size_t k = 0; k < before.size() && r.ok(); ++k)
    if (before[k].name == rule.name)
      r.refuse("name", quote(rule.name) + " is already rules[" + std::to_string(k) + "]");
  readNested(r, "match", [&](FieldReader& n) { readMatch(n, rule.match); });
  if (r.ok() && !r.object("action", Need::kRequired)) return;
  readNested(r, "action", [&](FieldReader& n) { readAction(n, s, rule.action); });
}

}  // namespace

void readAction(FieldReader& r, const L7Service& s, RuleAction& a) {
  r.onlyFields({"pool", "redirect", "deny", "respond"});
  int given = 0;
  for (std::string_view f : {"pool", "redirect", "deny", "respond"}) given += r.field(f, Need::kOptional) ? 1 : 0;
  if (r.ok() && given != 1)
    return r.refuseObject("give exactly one of \"pool\", \"redirect\", \"deny\" and \"respond\"");
  if (r.field("pool", Need::kOptional)) {
    a.kind = RuleAction::Kind::kPool;
    r.text("pool", a.pool, Need::kOptional, checkObjectName);
    if (r.ok() && std::none_of(s.pools.begin(), s.pools.end(), [&](const L7Pool& p) { return p.name == a.pool; }))
      r.refuse("pool", quote(a.pool) + " is not a pool of l7 service " + quote(s.name));
  } else if (r.field("deny", Need::kOptional)) {
    a.kind = RuleAction::Kind::kDeny;
    a.status = 403;
    bool deny = true;
    r.boolean("deny", deny);
    if (r.ok() && !deny) r.refuse("deny", "false is not allowed (give another action instead)");
  } else if (r.field("redirect", Need::kOptional)) {
    a.kind = RuleAction::Kind::kRedirect;
    readNested(r, "redirect", [&](FieldReader& n) { readRedirect(n, a); });
  } else {
    a.kind = RuleAction::Kind::kRespond;
    readNested(r, "respond", [&](FieldReader& n) { readRespond(n, a); });
  }
}

void readRules(FieldReader& top, const L7Service& service, std::vector<L7Rule>& out) {
  const Json* list = top.array("rules", Need::kOptional);
  for (size_t i = 0; list && i < list->size() && top.ok(); ++i) {
    const Json& j = (*list)[i];
    const std::string where = top.where() + ": " + label("rules", i, j);
    if (!j.is_object()) return top.adopt(fail(where + ": " + describe(j) + " is not an object"));
    FieldReader r(j, where);
    L7Rule rule;
    readRule(r, service, out, rule);
    if (!r.ok()) return top.adopt(fail(r.error()));
    out.push_back(std::move(rule));
  }
}

}  // namespace vlb::config::detail
