// Content rule matching: every condition kind, first-match order, the no-match action.
#include <gtest/gtest.h>

#include "request_helper.h"

namespace vlb::l7::rules {
namespace {

using test::get;
using test::poolFor;
using test::poolRule;

TEST(RuleHost, ExactIgnoresCaseAndPortAndFinalDot) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("mail", "exchange"));
  spec.rules[0].hosts = {"Mail.Example.com"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("mail.example.com", "/")), "exchange");
  EXPECT_EQ(poolFor(*set, get("MAIL.EXAMPLE.COM:443", "/")), "exchange");
  EXPECT_EQ(poolFor(*set, get("mail.example.com.", "/")), "exchange");
  EXPECT_EQ(poolFor(*set, get("mail.example.org", "/")), "");
  EXPECT_EQ(poolFor(*set, get("xmail.example.com", "/")), "");
}

TEST(RuleHost, AbsoluteFormAuthorityWinsOverHost) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("mail", "exchange"));
  spec.rules[0].hosts = {"mail.example.com"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, "GET http://mail.example.com/owa HTTP/1.1\r\nHost: other.example.com"),
            "exchange");
  EXPECT_EQ(poolFor(*set, "GET http://other.example.com/owa HTTP/1.1\r\nHost: mail.example.com"),
            "");
}

TEST(RuleHost, WildcardMatchesOneOrMoreLabelsNotTheApex) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("any", "web"));
  spec.rules[0].hosts = {"*.Example.com"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("a.example.com", "/")), "web");
  EXPECT_EQ(poolFor(*set, get("a.b.EXAMPLE.com:8443", "/")), "web");
  EXPECT_EQ(poolFor(*set, get("example.com", "/")), "");
  EXPECT_EQ(poolFor(*set, get("aexample.com", "/")), "");
}

TEST(RuleHost, ListHoldsWhenAnyEntryMatches) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("lync", "lync-fe"));
  spec.rules[0].hosts = {"meet.example.com", "dialin.example.com", "*.lync.example.com"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("dialin.example.com", "/")), "lync-fe");
  EXPECT_EQ(poolFor(*set, get("web.lync.example.com", "/")), "lync-fe");
  EXPECT_EQ(poolFor(*set, get("lync.example.com", "/")), "");
}

TEST(RuleHost, RegexIsCaselessAndSeesHostWithoutPort) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("num", "web"));
  spec.rules[0].host_regex = "^web[0-9]+\\.example\\.com$";
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("WEB12.example.com:8080", "/")), "web");
  EXPECT_EQ(poolFor(*set, get("webx.example.com", "/")), "");
}

TEST(RuleHost, Ipv6LiteralHost) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("v6", "web"));
  spec.rules[0].hosts = {"[2001:db8::10]"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("[2001:DB8::10]:443", "/")), "web");
  EXPECT_EQ(poolFor(*set, get("[2001:db8::11]", "/")), "");
}

TEST(RulePath, PrefixIsSegmentAwareAndCaseInsensitiveByDefault) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("owa", "exchange"));
  spec.rules[0].path_prefixes = {"/owa"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/owa")), "exchange");
  EXPECT_EQ(poolFor(*set, get("h", "/OWA/auth/logon.aspx?replaceCurrent=1")), "exchange");
  EXPECT_EQ(poolFor(*set, get("h", "/owadmin")), "");
  EXPECT_EQ(poolFor(*set, get("h", "/ecp/")), "");
}

TEST(RulePath, PrefixEndingInSlashAndCaseSensitiveOption) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("api", "api"));
  spec.rules[0].path_prefixes = {"/Api/"};
  spec.rules[0].path_ignore_case = false;
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/Api/v1")), "api");
  EXPECT_EQ(poolFor(*set, get("h", "/api/v1")), "");
  EXPECT_EQ(poolFor(*set, get("h", "/Api")), "");
}

TEST(RulePath, MatchesNormalisedPathNotQuery) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("ecp", "admin"));
  spec.rules[0].path_prefixes = {"/ecp"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/%65cp/")), "admin");            // %65 = 'e'
  EXPECT_EQ(poolFor(*set, get("h", "/owa/../ecp/x")), "admin");      // dot segments
  EXPECT_EQ(poolFor(*set, get("h", "/owa/%2E%2E/ecp/x")), "admin");  // encoded dots
  EXPECT_EQ(poolFor(*set, get("h", "/owa?x=/ecp")), "");             // query is not the path
  EXPECT_EQ(poolFor(*set, get("h", "/owa%2Fecp")), "");              // %2F is not a separator
}

TEST(RulePath, PrefixIsNormalisedLikeRequestPaths) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("owa", "exchange"));
  spec.rules[0].path_prefixes = {"/%6Fwa"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/owa/")), "exchange");
  EXPECT_EQ(poolFor(*set, get("h", "/%6fwa/")), "exchange");
}

TEST(RulePath, RegexOnPathWithoutQuery) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("img", "static"));
  spec.rules[0].path_regex = "\\.(png|jpe?g)$";
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/a/b.PNG")), "static");
  EXPECT_EQ(poolFor(*set, get("h", "/a/b.jpeg?size=2")), "static");
  EXPECT_EQ(poolFor(*set, get("h", "/a/b.png.txt")), "");
  EXPECT_EQ(poolFor(*set, get("h", "/a?f=b.png")), "");
}

TEST(RuleMethod, ListIsExactAndCaseSensitive) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("writes", "primary"));
  spec.rules[0].methods = {"POST", "PUT"};
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0"), "primary");
  EXPECT_EQ(poolFor(*set, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0"), "primary");
  EXPECT_EQ(poolFor(*set, "GET /x HTTP/1.1\r\nHost: h"), "");
  EXPECT_EQ(poolFor(*set, "post /x HTTP/1.1\r\nHost: h"), "");
}

RuleSetSpec headerSpec(HeaderMatch match, std::string value, bool ignore_case = true) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("hdr", "matched"));
  spec.rules[0].headers.push_back({"User-Agent", match, std::move(value), ignore_case});
  return spec;
}

TEST(RuleHeader, Present) {
  auto set = test::compileOrFail(headerSpec(HeaderMatch::kPresent, ""));
  EXPECT_EQ(poolFor(*set, get("h", "/", "user-agent: x")), "matched");
  EXPECT_EQ(poolFor(*set, get("h", "/", "Accept: */*")), "");
}

TEST(RuleHeader, Absent) {
  auto set = test::compileOrFail(headerSpec(HeaderMatch::kAbsent, ""));
  EXPECT_EQ(poolFor(*set, get("h", "/", "Accept: */*")), "matched");
  EXPECT_EQ(poolFor(*set, get("h", "/", "User-Agent: x")), "");
}

TEST(RuleHeader, ExactAnyOfRepeatedFields) {
  auto set = test::compileOrFail(headerSpec(HeaderMatch::kExact, "MSRPC"));
  EXPECT_EQ(poolFor(*set, get("h", "/", "User-Agent: curl\r\nUser-Agent: msrpc")), "matched");
  EXPECT_EQ(poolFor(*set, get("h", "/", "User-Agent: MSRPC2")), "");
  auto sensitive = test::compileOrFail(headerSpec(HeaderMatch::kExact, "MSRPC", false));
  EXPECT_EQ(poolFor(*sensitive, get("h", "/", "User-Agent: MSRPC")), "matched");
  EXPECT_EQ(poolFor(*sensitive, get("h", "/", "User-Agent: msrpc")), "");
}

TEST(RuleHeader, Regex) {
  auto set = test::compileOrFail(headerSpec(HeaderMatch::kRegex, "^Microsoft Office/1[56]"));
  EXPECT_EQ(poolFor(*set, get("h", "/", "User-Agent: microsoft office/16.0 (Windows)")), "matched");
  EXPECT_EQ(poolFor(*set, get("h", "/", "User-Agent: Microsoft Office/14.0")), "");
  EXPECT_EQ(poolFor(*set, get("h", "/")), "");
}

TEST(RuleConditions, AllMustHold) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("both", "p"));
  spec.rules[0].hosts = {"a.example.com"};
  spec.rules[0].path_prefixes = {"/x"};
  spec.rules[0].methods = {"GET"};
  spec.rules[0].headers.push_back({"X-Flag", HeaderMatch::kPresent, "", true});
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("a.example.com", "/x", "X-Flag: 1")), "p");
  EXPECT_EQ(poolFor(*set, get("b.example.com", "/x", "X-Flag: 1")), "");
  EXPECT_EQ(poolFor(*set, get("a.example.com", "/y", "X-Flag: 1")), "");
  EXPECT_EQ(poolFor(*set, get("a.example.com", "/x")), "");
  EXPECT_EQ(poolFor(*set, "HEAD /x HTTP/1.1\r\nHost: a.example.com\r\nX-Flag: 1"), "");
}

// Office Web Apps publishing: the /hosting path of the OWA host goes to the Office Online pool;
// the host rule after it catches the rest of that host.
TEST(RuleOrder, PathRuleBeforeHostRuleWins) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("oos-discovery", "oos"));
  spec.rules[0].path_prefixes = {"/hosting"};
  spec.rules.push_back(poolRule("owa-host", "exchange"));
  spec.rules[1].hosts = {"mail.example.com"};
  auto set = test::compileOrFail(spec);
  test::Request req(get("mail.example.com", "/hosting/discovery"));
  MatchScratch scratch;
  const Decision d = set->decide(req.head(), scratch);
  EXPECT_EQ(d.rule, 0);
  EXPECT_EQ(d.rule_name, "oos-discovery");
  EXPECT_EQ(d.action->pool, "oos");
  EXPECT_EQ(poolFor(*set, get("mail.example.com", "/owa/")), "exchange");

  // The same two rules the other way round: the host rule shadows the path rule.
  std::swap(spec.rules[0], spec.rules[1]);
  auto swapped = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*swapped, get("mail.example.com", "/hosting/discovery")), "exchange");
}

TEST(RuleSetPools, DistinctPoolsIndexedInFirstUseOrder) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("a", "web"));
  spec.rules[0].path_prefixes = {"/a"};
  spec.rules.push_back(poolRule("b", "api"));
  spec.rules[1].path_prefixes = {"/b"};
  spec.rules.push_back(poolRule("c", "web"));
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(set->pools(), (std::vector<std::string>{"web", "api"}));
  EXPECT_EQ(set->rule(0).action.pool_index, 0u);
  EXPECT_EQ(set->rule(1).action.pool_index, 1u);
  EXPECT_EQ(set->rule(2).action.pool_index, 0u);
}

TEST(RuleNoMatch, DefaultIs404WithBody) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("a", "web"));
  spec.rules[0].hosts = {"a.example.com"};
  auto set = test::compileOrFail(spec);
  test::Request req(get("b.example.com", "/"));
  MatchScratch scratch;
  const Decision d = set->decide(req.head(), scratch);
  EXPECT_EQ(d.rule, -1);
  EXPECT_EQ(d.action->kind, ActionKind::kFixed);
  EXPECT_EQ(d.action->status, 404);
  EXPECT_EQ(d.action->body, "Not Found\n");
}

TEST(RuleNoMatch, ConfigurableToAPool) {
  RuleSetSpec spec;
  spec.no_match.kind = ActionKind::kPool;
  spec.no_match.pool = "default-web";
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("anything.example.com", "/")), "default-web");
  EXPECT_EQ(set->pools(), std::vector<std::string>{"default-web"});
}

TEST(RuleActions, DenyAndFixed) {
  RuleSetSpec spec;
  RuleSpec deny;
  deny.name = "no-ecp-outside";
  deny.path_prefixes = {"/ecp"};
  deny.action.kind = ActionKind::kDeny;
  spec.rules.push_back(deny);
  RuleSpec fixed;
  fixed.path_prefixes = {"/health"};
  fixed.action.kind = ActionKind::kFixed;
  fixed.action.status = 200;
  fixed.action.content_type = "application/json";
  fixed.action.body = "{\"ok\":true}";
  spec.rules.push_back(fixed);
  auto set = test::compileOrFail(spec);
  MatchScratch scratch;
  test::Request r1(get("h", "/ecp/"));
  const Decision d1 = set->decide(r1.head(), scratch);
  EXPECT_EQ(d1.action->kind, ActionKind::kDeny);
  EXPECT_EQ(d1.action->status, 403);
  EXPECT_EQ(d1.action->body, "Forbidden\n");
  test::Request r2(get("h", "/health"));
  const Decision d2 = set->decide(r2.head(), scratch);
  EXPECT_EQ(d2.action->kind, ActionKind::kFixed);
  EXPECT_EQ(d2.action->status, 200);
  EXPECT_EQ(d2.action->content_type, "application/json");
  EXPECT_EQ(d2.action->body, "{\"ok\":true}");
}

TEST(RuleRegex, CatastrophicPatternIsBoundedAndCountsAsNoMatch) {
  RuleSetSpec spec;
  spec.rules.push_back(poolRule("evil", "p"));
  spec.rules[0].path_regex = "^/(a+)+$";
  auto set = test::compileOrFail(spec);
  EXPECT_EQ(poolFor(*set, get("h", "/aaaa")), "p");
  EXPECT_EQ(poolFor(*set, get("h", "/" + std::string(40, 'a') + "b")), "");
}

}  // namespace
}  // namespace vlb::l7::rules
