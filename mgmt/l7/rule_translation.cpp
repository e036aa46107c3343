// Translation of the config's content rules into l7/rules specs.
#include "mgmt/l7/rule_translation.h"

#include <algorithm>

namespace vlb::mgmt::l7 {

namespace rules = ::vlb::l7::rules;

Result<rules::ActionSpec> translateAction(const config::RuleAction& action, const std::string& where) {
  rules::ActionSpec a;
  switch (action.kind) {
    case config::RuleAction::Kind::kPool:
      a.kind = rules::ActionKind::kPool;
      a.pool = action.pool;
      return a;
    case config::RuleAction::Kind::kRedirect:
      a.kind = rules::ActionKind::kRedirect;
      a.status = uint16_t(action.status);  // 301/302/303/307/308, answered as given
      a.location = action.location;
      return a;
    case config::RuleAction::Kind::kDeny:
      a.kind = rules::ActionKind::kDeny;
      a.status = 403;
      return a;
    case config::RuleAction::Kind::kRespond:
      if (action.status < 200 || action.status > 599)
        return fail(where + ": respond status " + std::to_string(action.status) +
                    " is not between 200 and 599");
      a.kind = rules::ActionKind::kFixed;
      a.status = uint16_t(action.status);
      a.content_type = action.content_type;
      a.body = action.body;
      return a;
  }
  return fail(where + ": unknown action kind");
}

namespace {

rules::HeaderConditionSpec translateHeader(const config::HeaderMatch& h) {
  rules::HeaderConditionSpec c;
  c.name = h.name;
  c.value = h.pattern;
  switch (h.kind) {
    case config::HeaderMatch::Kind::kPresent: c.match = rules::HeaderMatch::kPresent; break;
    case config::HeaderMatch::Kind::kValue: c.match = rules::HeaderMatch::kExact; break;
    case config::HeaderMatch::Kind::kRegex: c.match = rules::HeaderMatch::kRegex; break;
  }
  return c;
}

bool hasPool(const config::L7Service& s, const std::string& name) {
  return std::any_of(s.pools.begin(), s.pools.end(), [&](const auto& p) { return p.name == name; });
}

}  // namespace

Result<rules::RuleSetSpec> translateRules(const config::L7Service& service) {
  const std::string where = "l7_services \"" + service.name + "\"";
  rules::RuleSetSpec spec;
  for (size_t i = 0; i < service.rules.size(); ++i) {
    const config::L7Rule& r = service.rules[i];
    const std::string rule_where = where + ": rules[" + std::to_string(i) + "] \"" + r.name + "\"";
    rules::RuleSpec rs;
    rs.name = r.name;
    if (!r.match.host.empty()) rs.hosts.push_back(r.match.host);
    if (!r.match.host_wildcard.empty()) rs.hosts.push_back(r.match.host_wildcard);
    rs.host_regex = r.match.host_regex;
    if (!r.match.path_prefix.empty()) rs.path_prefixes.push_back(r.match.path_prefix);
    rs.path_regex = r.match.path_regex;
    rs.methods = r.match.methods;
    if (r.match.header) rs.headers.push_back(translateHeader(*r.match.header));
    auto action = translateAction(r.action, rule_where);
    if (!action) return Error{action.error()};
    if (action->kind == rules::ActionKind::kPool && !hasPool(service, action->pool))
      return fail(rule_where + ": action pool \"" + action->pool + "\" is not a pool of this service");
    rs.action = std::move(*action);
    spec.rules.push_back(std::move(rs));
  }
  const config::RuleAction& d = service.default_action;
  const bool plain_404 = d.kind == config::RuleAction::Kind::kRespond && d.status == 404 && d.body.empty();
  if (plain_404) {
    spec.no_match = rules::notFoundAction();
  } else {
    auto action = translateAction(d, where + ": default_action");
    if (!action) return Error{action.error()};
    if (action->kind == rules::ActionKind::kPool && !hasPool(service, action->pool))
      return fail(where + ": default_action pool \"" + action->pool + "\" is not a pool of this service");
    spec.no_match = std::move(*action);
  }
  return spec;
}

}  // namespace vlb::mgmt::l7
