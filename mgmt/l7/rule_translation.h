// Config content rules (mgmt/config L7Rule, RuleAction) → the rule engine's plain description
// (l7/rules RuleSetSpec). Pure; compileRuleSet() does the checking of patterns and templates.
#pragma once

#include "l7/rules/rule_spec.h"
#include "mgmt/common/result.h"
#include "mgmt/config/l7_types.h"

namespace vlb::mgmt::l7 {

// The action spec of one config action. Errors name `where` and the field.
Result<::vlb::l7::rules::ActionSpec> translateAction(const config::RuleAction& action,
                                                     const std::string& where);

// All rules and the default action of `service`; a rule naming a pool the service does not have
// is refused: l7_services "owa": rules[1] "wac": action pool "wac2" is not a pool of this service.
Result<::vlb::l7::rules::RuleSetSpec> translateRules(const config::L7Service& service);

}  // namespace vlb::mgmt::l7
