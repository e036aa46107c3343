// Response rewriting: Location (scheme and internal -> public host) and Set-Cookie Domain.
#include "l7/rules/rewrite.h"

#include <gtest/gtest.h>

namespace vlb::l7::rules {
namespace {

LocationRewrite exchange() {
  LocationRewrite r;
  r.hosts = {{"exch01.corp.local", "mail.example.com"},
             {"exch02.corp.local:8080", "mail.example.com"}};
  r.scheme = SchemeRewrite::kToHttps;
  return r;
}

std::string loc(std::string_view in, const LocationRewrite& r = exchange(),
                std::string_view request_host = "mail.example.com") {
  auto out = rewriteLocation(in, r, request_host);
  return out ? *out : "(unchanged)";
}

TEST(LocationRewrite, InternalHostToPublicAndHttps) {
  EXPECT_EQ(loc("http://exch01.corp.local/owa/"), "https://mail.example.com/owa/");
  EXPECT_EQ(loc("http://EXCH01.corp.local:80/owa/?a=b"), "https://mail.example.com/owa/?a=b");
  EXPECT_EQ(loc("https://exch01.corp.local"), "https://mail.example.com");
}

TEST(LocationRewrite, MappingWithPortMatchesOnlyThatPort) {
  EXPECT_EQ(loc("http://exch02.corp.local:8080/ecp"), "https://mail.example.com/ecp");
  EXPECT_EQ(loc("http://exch02.corp.local/ecp"), "(unchanged)");
}

TEST(LocationRewrite, PublicHostOnlySchemeChangesAndDefaultPortDropped) {
  EXPECT_EQ(loc("http://mail.example.com/owa/"), "https://mail.example.com/owa/");
  EXPECT_EQ(loc("http://mail.example.com:80/owa/"), "https://mail.example.com/owa/");
  EXPECT_EQ(loc("https://mail.example.com/owa/"), "(unchanged)");
}

TEST(LocationRewrite, RequestHostCountsAsOurs) {
  LocationRewrite r;
  r.scheme = SchemeRewrite::kToHttps;
  EXPECT_EQ(loc("http://portal.example.com/x", r, "Portal.Example.com:80"),
            "https://portal.example.com/x");
  EXPECT_EQ(loc("http://other.example.net/x", r, "portal.example.com"), "(unchanged)");
}

TEST(LocationRewrite, ForeignRelativeAndOtherSchemesUntouched) {
  EXPECT_EQ(loc("http://login.microsoftonline.com/common"), "(unchanged)");
  EXPECT_EQ(loc("/owa/auth/logon.aspx"), "(unchanged)");
  EXPECT_EQ(loc("ftp://exch01.corp.local/x"), "(unchanged)");
}

TEST(LocationRewrite, ToHttpAndKeep) {
  LocationRewrite r = exchange();
  r.scheme = SchemeRewrite::kToHttp;
  EXPECT_EQ(loc("https://mail.example.com:443/a", r), "http://mail.example.com/a");
  r.scheme = SchemeRewrite::kKeep;
  EXPECT_EQ(loc("http://exch01.corp.local/a", r), "http://mail.example.com/a");
  EXPECT_EQ(loc("http://mail.example.com/a", r), "(unchanged)");
}

std::string cookie(std::string_view in) {
  const std::vector<DomainMapping> map = {{"corp.local", "example.com"}};
  auto out = rewriteSetCookieDomain(in, map);
  return out ? *out : "(unchanged)";
}

TEST(SetCookieDomain, MapsDomainKeepingEverythingElse) {
  EXPECT_EQ(cookie("a=b; Path=/; Domain=corp.local; Secure"),
            "a=b; Path=/; Domain=example.com; Secure");
  EXPECT_EQ(cookie("a=b;domain=.CORP.local;HttpOnly"), "a=b;domain=.example.com;HttpOnly");
  EXPECT_EQ(cookie("a=b; DOMAIN = corp.local"), "a=b; DOMAIN = example.com");
}

TEST(SetCookieDomain, LeavesOtherValuesAlone) {
  EXPECT_EQ(cookie("a=b; Path=/"), "(unchanged)");
  EXPECT_EQ(cookie("a=b; Domain=exch01.corp.local"), "(unchanged)");
  EXPECT_EQ(cookie("Domain=corp.local; Path=/"), "(unchanged)");  // that is the cookie's name
  EXPECT_EQ(cookie("a=Domain=corp.local"), "(unchanged)");
  EXPECT_EQ(cookie("a=b; Domain="), "(unchanged)");
}

}  // namespace
}  // namespace vlb::l7::rules
