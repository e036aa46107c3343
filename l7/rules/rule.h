// One compiled content rule: its conditions in the cheapest-first order they are checked, and its
// action. Built by compileRuleSet(); immutable afterwards and shared by worker threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l7/http/types.h"
#include "l7/rules/action.h"
#include "l7/rules/host_pattern.h"
#include "l7/rules/regex.h"
#include "l7/rules/rule_spec.h"

namespace vlb::l7::rules {

// What the conditions look at, worked out once per request.
struct RequestFacts {
  std::string_view method;
  std::string_view host;  // hostForMatching(authority)
  std::string_view path;  // normalizePath(path)
  const http::FieldList* fields = nullptr;
};

struct HeaderCondition {
  std::string lower_name;
  HeaderMatch match = HeaderMatch::kPresent;
  bool ignore_case = true;
  std::string value;  // kExact; lowercase when ignore_case
  std::optional<Regex> regex;

  bool holds(const http::FieldList& fields) const;
};

struct Rule {
  std::string name;
  std::vector<std::string> methods;
  HostPatterns hosts;
  std::optional<Regex> host_regex;
  std::vector<std::string> path_prefixes;  // lowercase when path_ignore_case
  bool path_ignore_case = true;
  std::optional<Regex> path_regex;
  std::vector<HeaderCondition> headers;
  Action action;

  bool matches(const RequestFacts& request) const;
};

}  // namespace vlb::l7::rules
