// Check spec parsing and validation: status lists, URLs as operators write them, error messages.
#include "mgmt/health/check_spec.h"

#include <gtest/gtest.h>

namespace vlb::health {
namespace {

TEST(StatusRanges, ListsAndRanges) {
  auto r = parseStatusRanges("200,301-302");
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->contains(200));
  EXPECT_TRUE(r->contains(301));
  EXPECT_TRUE(r->contains(302));
  EXPECT_FALSE(r->contains(303));
  EXPECT_FALSE(r->contains(201));
  EXPECT_EQ(r->text(), "200,301-302");
  auto spaced = parseStatusRanges(" 200 , 204 ");
  ASSERT_TRUE(spaced) << spaced.error();
  EXPECT_EQ(spaced->text(), "200,204");
}

TEST(StatusRanges, RefusesNonsenseNamingTheItem) {
  for (const char* bad : {"", "abc", "200-", "302-301", "99", "600", "200,,", "2OO"}) {
    auto r = parseStatusRanges(bad);
    EXPECT_FALSE(r) << bad;
  }
  auto r = parseStatusRanges("200,302-301");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("302-301"), std::string::npos) << r.error();
}

TEST(CheckUrl, FieldExamplesWorkAsWritten) {
  CheckSpec owa;
  ASSERT_TRUE(applyCheckUrl("https://<real>/owa/HealthCheck.htm", owa));
  EXPECT_EQ(owa.type, CheckType::kHttps);
  EXPECT_EQ(owa.port, 0);  // the real's port
  EXPECT_EQ(owa.path, "/owa/HealthCheck.htm");
  EXPECT_TRUE(owa.host.empty());

  CheckSpec abs;
  ASSERT_TRUE(applyCheckUrl("https://<real>:4443/abs/handler", abs));
  EXPECT_EQ(abs.port, 4443);
  EXPECT_EQ(abs.path, "/abs/handler");

  CheckSpec meet;
  ASSERT_TRUE(applyCheckUrl("http://<real>/meet/blank.html", meet));
  EXPECT_EQ(meet.type, CheckType::kHttp);
  EXPECT_EQ(meet.path, "/meet/blank.html");

  CheckSpec named;
  ASSERT_TRUE(applyCheckUrl("https://mail.example.com/owa/", named));
  EXPECT_EQ(named.host, "mail.example.com");
  EXPECT_TRUE(validateCheckSpec(named, "x"));
}

TEST(CheckUrl, RefusalsNameTheUrl) {
  CheckSpec s;
  for (const char* bad : {"ftp://<real>/", "<real>/x", "https://<real>:0/", "https://<real>:99999/",
                          "https:///x", "http://<real>/a b"}) {
    Status st = applyCheckUrl(bad, s);
    ASSERT_FALSE(st) << bad;
    EXPECT_NE(st.error().find(bad), std::string::npos) << st.error();
  }
}

TEST(CheckTiming, DefaultsAndAutomaticTimeout) {
  CheckTiming t;
  EXPECT_EQ(t.interval, Duration(5000));
  EXPECT_EQ(t.effectiveTimeout(), Duration(3000));
  EXPECT_EQ(t.rise, 2u);
  EXPECT_EQ(t.fall, 3u);
  t.interval = Duration(1000);
  EXPECT_EQ(t.effectiveTimeout(), Duration(1000));
  t.timeout = Duration(400);
  EXPECT_EQ(t.effectiveTimeout(), Duration(400));
}

TEST(ValidateCheckSpec, MessagesNameRealFieldAndValue) {
  CheckSpec s;
  s.timing.interval = Duration(1000);
  s.timing.timeout = Duration(2000);
  Status st = validateCheckSpec(s, "real owa 192.0.2.10:443");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("real owa 192.0.2.10:443"), std::string::npos) << st.error();
  EXPECT_NE(st.error().find("timeout 2000 ms"), std::string::npos) << st.error();

  CheckSpec h;
  h.type = CheckType::kHttp;
  h.extra_header = "no colon here";
  st = validateCheckSpec(h, "r");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("no colon here"), std::string::npos) << st.error();
  h.extra_header = "X-Check: vlb";
  EXPECT_TRUE(validateCheckSpec(h, "r"));

  CheckSpec v;
  v.type = CheckType::kHttps;
  v.tls_verify = true;
  st = validateCheckSpec(v, "r");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("CA bundle"), std::string::npos) << st.error();
  v.ca_file = "/nonexistent/ca.pem";
  st = validateCheckSpec(v, "r");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("/nonexistent/ca.pem"), std::string::npos) << st.error();

  CheckSpec re;
  re.type = CheckType::kHttp;
  re.body_pattern = "([unclosed";
  re.body_regex = true;
  st = validateCheckSpec(re, "r");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("([unclosed"), std::string::npos) << st.error();
  re.body_regex = false;  // as a substring it is fine
  EXPECT_TRUE(validateCheckSpec(re, "r"));

  CheckSpec r;
  r.timing.rise = 0;
  EXPECT_FALSE(validateCheckSpec(r, "r"));
}

TEST(ParseIpv4, LiteralsOnly) {
  auto a = parseIpv4("192.0.2.10");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, 0xC000020Au);
  EXPECT_FALSE(parseIpv4("192.0.2"));
  EXPECT_FALSE(parseIpv4("192.0.2.256"));
  EXPECT_FALSE(parseIpv4("host.example"));
  EXPECT_FALSE(parseIpv4("1.2.3.4.5"));
}

}  // namespace
}  // namespace vlb::health
