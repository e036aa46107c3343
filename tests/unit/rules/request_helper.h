// Test helper: a request head obtained from the real HTTP/1.1 parser, so rules are tested on what
// the proxy will hand them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "l7/http/request_parser.h"
#include "l7/rules/rule_set.h"

namespace vlb::l7::rules::test {

class Request {
 public:
  // `head_lines`: request line and fields separated by "\r\n", without the final empty line.
  explicit Request(const std::string& head_lines) : raw_(head_lines + "\r\n\r\n") {
    const http::ParseResult r = parser_.parse(raw_);
    EXPECT_EQ(r.status, http::ParseStatus::kDone) << "bad test request: " << head_lines;
  }
  const http::RequestHead& head() const { return parser_.head(); }

 private:
  std::string raw_;
  http::RequestParser parser_;
};

// GET <target> with Host <host> and optional extra field lines.
inline std::string get(const std::string& host, const std::string& target,
                       const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + (extra.empty() ? "" : "\r\n" + extra);
}

inline std::unique_ptr<const RuleSet> compileOrFail(const RuleSetSpec& spec) {
  auto r = compileRuleSet(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(*r) : nullptr;
}

inline RuleSpec poolRule(std::string name, std::string pool) {
  RuleSpec r;
  r.name = std::move(name);
  r.action.kind = ActionKind::kPool;
  r.action.pool = std::move(pool);
  return r;
}

// The pool a request goes to, "" for a non-pool action.
inline std::string poolFor(const RuleSet& set, const std::string& head_lines) {
  Request req(head_lines);
  MatchScratch scratch;
  const Decision d = set.decide(req.head(), scratch);
  return d.action->kind == ActionKind::kPool ? d.action->pool : std::string();
}

}  // namespace vlb::l7::rules::test
