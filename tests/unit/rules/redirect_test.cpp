// Redirect actions and their Location templates; the one-rule HTTP -> HTTPS service.
#include <gtest/gtest.h>

#include "l7/rules/redirect_template.h"
#include "request_helper.h"

namespace vlb::l7::rules {
namespace {

std::string render(const std::string& tmpl, const std::string& head_lines,
                   std::string_view scheme = "http") {
  auto t = RedirectTemplate::compile(tmpl);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error());
  if (!t.ok()) return {};
  test::Request req(head_lines);
  std::string out;
  t->render(req.head(), scheme, out);
  return out;
}

TEST(RedirectTemplate, EveryVariable) {
  const std::string req = test::get("Mail.Example.com:8080", "/owa/x%20y?a=1&b=2");
  EXPECT_EQ(render("{scheme}|{host}|{hostport}|{uri}|{path}|{query}", req),
            "http|Mail.Example.com|Mail.Example.com:8080|/owa/x%20y?a=1&b=2|/owa/x%20y|a=1&b=2");
  EXPECT_EQ(render("{scheme}", req, "https"), "https");
}

TEST(RedirectTemplate, UriWithoutQueryHasNoQuestionMark) {
  EXPECT_EQ(render("https://{host}{uri}", test::get("a.example.com", "/x")),
            "https://a.example.com/x");
  EXPECT_EQ(render("https://{host}{uri}", "GET http://a.example.com HTTP/1.1\r\nHost: b"),
            "https://a.example.com/");
}

TEST(RedirectTemplate, LiteralsAndEscapedBraces) {
  EXPECT_EQ(render("https://login.example.com/?next={path}&t={{x}}", test::get("h", "/a")),
            "https://login.example.com/?next=/a&t={x}");
}

TEST(RedirectTemplate, RefusesSpacesAndUnbalancedBraces) {
  auto a = RedirectTemplate::compile("https://x/ y");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error(), "has a character that cannot be in a URI at offset 10");
  auto b = RedirectTemplate::compile("https://x/}");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), "has '}' without '{' at offset 10");
  auto c = RedirectTemplate::compile("");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "is empty");
}

TEST(HttpsRedirectService, OneRule) {
  RuleSetSpec spec;
  spec.rules.push_back(httpsRedirectRule());
  auto set = test::compileOrFail(spec);
  ASSERT_NE(set, nullptr);
  test::Request req(test::get("mail.example.com", "/owa/?bO=1"));
  MatchScratch scratch;
  const Decision d = set->decide(req.head(), scratch);
  ASSERT_EQ(d.action->kind, ActionKind::kRedirect);
  EXPECT_EQ(d.action->status, 301);
  std::string location;
  d.action->renderLocation(req.head(), "http", location);
  EXPECT_EQ(location, "https://mail.example.com/owa/?bO=1");
}

TEST(HttpsRedirectService, SeeOtherIsKept) {
  RuleSetSpec spec;
  spec.rules.push_back(httpsRedirectRule(303));
  auto set = test::compileOrFail(spec);
  ASSERT_NE(set, nullptr);
  test::Request req(test::get("mail.example.com", "/form"));
  MatchScratch scratch;
  EXPECT_EQ(set->decide(req.head(), scratch).action->status, 303);
}

TEST(HttpsRedirectService, PermanentRedirectKeepsMethod) {
  RuleSetSpec spec;
  spec.rules.push_back(httpsRedirectRule(308));
  auto set = test::compileOrFail(spec);
  ASSERT_NE(set, nullptr);
  test::Request req(
      "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: mail.example.com:80\r\n"
      "Content-Length: 0");
  MatchScratch scratch;
  const Decision d = set->decide(req.head(), scratch);
  EXPECT_EQ(d.action->status, 308);
  std::string location;
  d.action->renderLocation(req.head(), "http", location);
  EXPECT_EQ(location, "https://mail.example.com/EWS/Exchange.asmx");
}

}  // namespace
}  // namespace vlb::l7::rules
