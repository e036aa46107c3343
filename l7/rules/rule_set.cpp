// Request matching over a compiled RuleSet: first match wins.
#include "l7/rules/rule_set.h"

#include "l7/rules/host_pattern.h"
#include "l7/rules/path_normalize.h"

namespace vlb::l7::rules {

Decision RuleSet::decide(const http::RequestHead& head, MatchScratch& scratch) const {
  RequestFacts facts;
  facts.method = head.method;
  facts.host = hostForMatching(head.authority);
  facts.path = normalizePath(head.path, scratch.path);
  facts.fields = &head.fields;
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].matches(facts)) return {&rules_[i].action, int(i), rules_[i].name};
  }
  return {&no_match_, -1, {}};
}

RuleSpec httpsRedirectRule(uint16_t status) {
  RuleSpec r;
  r.name = "http-to-https";
  r.action.kind = ActionKind::kRedirect;
  r.action.status = status;
  r.action.location = "https://{host}{uri}";
  return r;
}

}  // namespace vlb::l7::rules
