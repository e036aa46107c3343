// Compile errors: each names the rule (index and name), the field and the value, and says why.
#include <gtest/gtest.h>

#include "request_helper.h"

namespace vlb::l7::rules {
namespace {

using test::poolRule;

std::string errorOf(const RuleSetSpec& spec) {
  auto r = compileRuleSet(spec);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error();
}

// Two good rules and then `bad` as rules[2].
RuleSetSpec withThirdRule(RuleSpec bad) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("first", "a"));
  spec.rules.push_back(poolRule("", "b"));
  spec.rules.push_back(std::move(bad));
  return spec;
}

TEST(RuleCompileError, BadPathRegexCarriesPcreMessageAndOffset) {
  RuleSpec r = poolRule("owa", "exchange");
  r.path_regex = "^/(owa";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"owa\": path_regex \"^/(owa\": missing closing parenthesis at offset 6");
}

TEST(RuleCompileError, BadHostRegex) {
  RuleSpec r = poolRule("h", "p");
  r.host_regex = "*.example.com";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"h\": host_regex \"*.example.com\": quantifier does not follow a "
            "repeatable item at offset 0");
}

TEST(RuleCompileError, BadHeaderRegexAndNameAndStrayValue) {
  RuleSpec r = poolRule("ua", "p");
  r.headers.push_back({"User-Agent", HeaderMatch::kRegex, "[a-", true});
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"ua\": headers[0].value \"[a-\": missing terminating ] for character "
            "class at offset 3");
  r.headers[0] = {"User Agent", HeaderMatch::kPresent, "", true};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"ua\": headers[0].name \"User Agent\": not a header field name");
  r.headers[0] = {"X-A", HeaderMatch::kPresent, "yes", true};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"ua\": headers[0].value \"yes\": only used with the exact and regex "
            "matches");
  r.headers[0] = {"X-A", HeaderMatch::kExact, "a\r\nb", true};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"ua\": headers[0].value \"a\r\nb\": not a header field value");
}

TEST(RuleCompileError, UnnamedRuleIsNamedByIndexOnly) {
  RuleSpec r = poolRule("", "p");
  r.hosts = {"mail.example.com", "*mail.example.com"};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2]: hosts[1] \"*mail.example.com\": '*' is only allowed as the whole first "
            "label (\"*.example.com\")");
}

TEST(RuleCompileError, HostPatterns) {
  RuleSpec r = poolRule("h", "p");
  r.hosts = {"mail.example.com:443"};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"h\": hosts[0] \"mail.example.com:443\": a host pattern has no port "
            "(rules ignore the port)");
  r.hosts = {"*."};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"h\": hosts[0] \"*.\": a wildcard must be \"*.\" followed by a host name "
            "(letters, digits, - . _ ~)");
  r.hosts = {"mail..example.com"};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"h\": hosts[0] \"mail..example.com\": not a host name (letters, digits, "
            "- . _ ~) or a bracketed IPv6 address");
}

TEST(RuleCompileError, PathPrefixAndMethod) {
  RuleSpec r = poolRule("p", "p");
  r.path_prefixes = {"/ok", "owa"};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"p\": path_prefixes[1] \"owa\": a path prefix starts with '/' and holds "
            "URI characters without '?' or '#'");
  r.path_prefixes = {"/a?b"};
  EXPECT_NE(errorOf(withThirdRule(r)).find("path_prefixes[0] \"/a?b\""), std::string::npos);
  r.path_prefixes.clear();
  r.methods = {"GET", "GE T"};
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"p\": methods[1] \"GE T\": not an HTTP method token");
}

TEST(RuleCompileError, Actions) {
  RuleSpec r = poolRule("act", "");
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.pool \"\": a pool action needs a pool");
  r.action.kind = ActionKind::kRedirect;
  r.action.status = 304;
  r.action.location = "https://{host}{uri}";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.status \"304\": a redirect is 301, 302, 303, 307 or 308");
  r.action.status = 308;
  r.action.location = "https://{hostname}{uri}";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.location \"https://{hostname}{uri}\": has unknown variable "
            "{hostname} (known: {scheme} {host} {hostport} {uri} {path} {query})");
  r.action.kind = ActionKind::kFixed;
  r.action.status = 99;
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.status \"99\": a fixed response has a status from 200 to "
            "599");
  r.action.status = 204;
  r.action.body = "x";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.body \"x\": a 204 response has no body");
  r.action.status = 200;
  r.action.content_type = "text/html\r\nSet-Cookie: a=b";
  EXPECT_EQ(errorOf(withThirdRule(r)),
            "rules[2] \"act\": action.content_type \"text/html\r\nSet-Cookie: a=b\": not a "
            "header field value");
}

TEST(RuleCompileError, NoMatchAction) {
  RuleSetSpec spec;
  spec.no_match.kind = ActionKind::kRedirect;
  spec.no_match.status = 301;
  spec.no_match.location = "https://{host";
  EXPECT_EQ(errorOf(spec),
            "no_match: action.location \"https://{host\": has '{' without '}' at offset 8");
}

TEST(RuleCompileError, FirstBadRuleIsReported) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("good", "a"));
  spec.rules.push_back(poolRule("bad1", "b"));
  spec.rules[1].path_regex = "(";
  spec.rules.push_back(poolRule("bad2", "c"));
  spec.rules[2].path_regex = ")";
  EXPECT_EQ(errorOf(spec).substr(0, 17), "rules[1] \"bad1\": ");
}

}  // namespace
}  // namespace vlb::l7::rules
