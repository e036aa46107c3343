// What a content rule does once compiled: forward to a pool or answer on the spot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "l7/http/head.h"
#include "l7/rules/redirect_template.h"
#include "l7/rules/rule_spec.h"

namespace vlb::l7::rules {

struct Action {
  ActionKind kind = ActionKind::kFixed;
  uint16_t status = 0;        // the status to answer (0 for kPool)
  uint32_t pool_index = 0;    // kPool: index into RuleSet::pools()
  std::string pool;           // kPool
  RedirectTemplate location;  // kRedirect
  std::string content_type;   // kRedirect, kDeny and kFixed answers carry a small body
  std::string body;

  // kRedirect: appends the Location value for this request to `out`.
  void renderLocation(const http::RequestHead& head, std::string_view scheme,
                      std::string& out) const {
    location.render(head, scheme, out);
  }
};

}  // namespace vlb::l7::rules
