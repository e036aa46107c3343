// An immutable, ordered set of content rules: the first rule whose conditions all hold decides
// what happens to a request; when none does, the set's no-match action does (default: 404).
//
//   auto set = compileRuleSet(spec);             // control plane; error names rule, field, value
//   MatchScratch scratch;                         // per worker thread, reused for every request
//   Decision d = (*set)->decide(head, scratch);   // worker: no allocation in the common case
//   switch (d.action->kind) { case ActionKind::kPool: ... d.action->pool_index ... }
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "l7/http/head.h"
#include "l7/rules/action.h"
#include "l7/rules/rule.h"
#include "l7/rules/rule_spec.h"
#include "mgmt/common/result.h"

namespace vlb::l7::rules {

// Per-thread working memory for decide(); it keeps its capacity between requests.
struct MatchScratch {
  std::string path;
};

struct Decision {
  const Action* action = nullptr;  // never null: the matching rule's action or the no-match one
  int rule = -1;                   // index of the matching rule, -1 when none matched
  std::string_view rule_name;      // empty when none matched (or the rule has no name)
};

class RuleSet {
 public:
  Decision decide(const http::RequestHead& head, MatchScratch& scratch) const;

  // Distinct pool names used by kPool actions, in first-use order; Action::pool_index indexes it.
  const std::vector<std::string>& pools() const { return pools_; }
  size_t size() const { return rules_.size(); }
  const Rule& rule(size_t i) const { return rules_[i]; }
  const Action& noMatch() const { return no_match_; }

 private:
  friend Result<std::unique_ptr<const RuleSet>> compileRuleSet(const RuleSetSpec& spec);
  std::vector<Rule> rules_;
  Action no_match_;
  std::vector<std::string> pools_;
};

// Checks every field; the first error is returned as
//   rules[2] "owa": path_regex "(": missing closing parenthesis at offset 1
Result<std::unique_ptr<const RuleSet>> compileRuleSet(const RuleSetSpec& spec);

// An HTTP -> HTTPS redirect service in one rule: every request gets 301 to https://{host}{uri}.
RuleSpec httpsRedirectRule(uint16_t status = 301);

}  // namespace vlb::l7::rules
