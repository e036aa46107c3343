// The plain description of a content-rule set, as the config layer fills it. compileRuleSet()
// (rule_set.h) checks it and turns it into an immutable RuleSet; nothing here is used per request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlb::l7::rules {

enum class ActionKind : uint8_t {
  kPool,      // forward to the pool named `pool`
  kRedirect,  // answer `status` (301/302/303/307/308) with Location built from `location`
  kDeny,      // answer 403
  kFixed,     // answer `status` with `content_type` and `body`
};

struct ActionSpec {
  ActionKind kind = ActionKind::kFixed;
  std::string pool;       // kPool
  uint16_t status = 404;  // kRedirect: 301/302/303/307/308; kFixed: 200..599
  std::string location;   // kRedirect: template, e.g. "https://{host}{uri}"
  std::string content_type = "text/plain; charset=utf-8";  // kFixed
  std::string body;                                        // kFixed (kDeny has a built-in body)
};

enum class HeaderMatch : uint8_t {
  kPresent,  // the field exists (any value)
  kAbsent,   // no field of that name
  kExact,    // some field of that name has exactly `value` (see ignore_case)
  kRegex,    // some field of that name matches the PCRE2 pattern `value`
};

struct HeaderConditionSpec {
  std::string name;  // field name, any case
  HeaderMatch match = HeaderMatch::kPresent;
  std::string value;
  bool ignore_case = true;  // for kExact and kRegex
};

// All non-empty conditions must hold; a list condition holds when any of its entries does.
struct RuleSpec {
  std::string name;                        // for error messages and logs; may be empty
  std::vector<std::string> hosts;          // "mail.example.com" or "*.example.com", any case
  std::string host_regex;                  // PCRE2, caseless, on the host without port
  std::vector<std::string> path_prefixes;  // each starts with '/'
  std::string path_regex;                  // PCRE2, on the normalised path (no query)
  bool path_ignore_case = true;            // for path_prefixes and path_regex (IIS-style paths)
  std::vector<std::string> methods;        // exact, case-sensitive tokens: "GET", "POST"
  std::vector<HeaderConditionSpec> headers;
  ActionSpec action;
};

// The default answer when no rule matches: 404 with a short text body.
inline ActionSpec notFoundAction() {
  ActionSpec a;
  a.kind = ActionKind::kFixed;
  a.status = 404;
  a.body = "Not Found\n";
  return a;
}

struct RuleSetSpec {
  std::vector<RuleSpec> rules;             // in order; the first rule whose conditions hold wins
  ActionSpec no_match = notFoundAction();  // when no rule matches
};

}  // namespace vlb::l7::rules
