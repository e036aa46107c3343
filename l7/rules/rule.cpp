// Condition checks of a compiled content rule.
#include "l7/rules/rule.h"

#include <algorithm>

namespace vlb::l7::rules {

namespace {

// Segment-aware: "/owa" matches "/owa" and "/owa/x", not "/owadmin"; "/owa/" and "/" are plain
// text prefixes (they end at a segment boundary already).
bool pathHasPrefix(std::string_view path, std::string_view prefix, bool ignore_case) {
  const bool text = ignore_case ? startsWithLowered(path, prefix) : path.starts_with(prefix);
  if (!text) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

}  // namespace

bool HeaderCondition::holds(const http::FieldList& fields) const {
  bool present = false;
  for (const http::HeaderField f : fields) {
    if (!equalsLowered(f.name, lower_name)) continue;
    present = true;
    switch (match) {
      case HeaderMatch::kPresent:
        return true;
      case HeaderMatch::kAbsent:
        return false;
      case HeaderMatch::kExact:
        if (ignore_case ? equalsLowered(f.value, value) : f.value == value) return true;
        break;
      case HeaderMatch::kRegex:
        if (regex->matches(f.value)) return true;
        break;
    }
  }
  return match == HeaderMatch::kAbsent && !present;
}

bool Rule::matches(const RequestFacts& r) const {
  if (!methods.empty() && std::find(methods.begin(), methods.end(), r.method) == methods.end())
    return false;
  if (!hosts.empty() && !hosts.matches(r.host)) return false;
  if (!path_prefixes.empty()) {
    const bool any = std::any_of(
        path_prefixes.begin(), path_prefixes.end(),
        [&](const std::string& p) { return pathHasPrefix(r.path, p, path_ignore_case); });
    if (!any) return false;
  }
  for (const HeaderCondition& h : headers)
    if (!h.holds(*r.fields)) return false;
  if (host_regex && !host_regex->matches(r.host)) return false;
  if (path_regex && !path_regex->matches(r.path)) return false;
  return true;
}

}  // namespace vlb::l7::rules
