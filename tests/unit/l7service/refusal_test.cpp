// Bad L7 configurations are refused with the object, field and value named, and nothing runs.
#include <gtest/gtest.h>

#include "config_builder.h"
#include "mgmt/l7/l7_runtime.h"
#include "mgmt/l7/service_compile.h"

namespace vlb::mgmt::l7 {
namespace {

using namespace test;

RuntimeOptions oneWorker() {
  RuntimeOptions o;
  o.workers = 1;
  return o;
}

std::string compileError(const config::L7Service& s, const config::Config& cfg = {}) {
  auto state = SharedState::create();
  EXPECT_TRUE(state.ok());
  auto c = compileService(s, cfg, **state);
  return c.ok() ? std::string("(accepted)") : c.error();
}

config::L7Service basic() {
  auto s = service("owa", config::L7Protocol::kHttp, 80);
  s.pools = {pool("exchange", {real("192.0.2.11")})};
  return s;
}

TEST(Refusal, BadRegexNamesRuleAndField) {
  auto s = basic();
  config::L7Rule r{"owa", {}, toPool("exchange")};
  r.match.path_regex = "^/(owa";
  s.rules = {config::L7Rule{"first", {}, toPool("exchange")}, r};
  const std::string e = compileError(s);
  EXPECT_NE(e.find("l7_services \"owa\""), std::string::npos) << e;
  EXPECT_NE(e.find("rules[1] \"owa\""), std::string::npos) << e;
  EXPECT_NE(e.find("path_regex"), std::string::npos) << e;
}

TEST(Refusal, RuleNamingAMissingPool) {
  auto s = basic();
  s.rules = {config::L7Rule{"wac", {}, toPool("wac")}};
  EXPECT_EQ(compileError(s),
            "l7_services \"owa\": rules[0] \"wac\": action pool \"wac\" is not a pool of this service");
}

TEST(Refusal, MissingCertificate) {
  auto s = basic();
  s.protocol = config::L7Protocol::kHttps;
  s.certificates = {"mail"};
  EXPECT_EQ(compileError(s), "l7_services \"owa\": certificates[0] \"mail\" is not in certificates");
}

TEST(Refusal, UnreadableCertificateFileNamesTheCertificate) {
  auto s = basic();
  s.protocol = config::L7Protocol::kHttps;
  s.certificates = {"mail"};
  config::Config cfg;
  config::Certificate c;
  c.name = "mail";
  c.cert_file = "/nonexistent/mail.pem";
  c.key_file = "/nonexistent/mail.key";
  cfg.certificates = {c};
  const std::string e = compileError(s, cfg);
  EXPECT_NE(e.find("certificates \"mail\""), std::string::npos) << e;
  EXPECT_NE(e.find("/nonexistent/mail.pem"), std::string::npos) << e;
}

TEST(Refusal, RedirectTemplateError) {
  auto s = basic();
  config::L7Rule r{"to-https", {}, {}};
  r.action.kind = config::RuleAction::Kind::kRedirect;
  r.action.status = 301;
  r.action.location = "https://{hots}{uri}";
  s.rules = {r};
  const std::string e = compileError(s);
  EXPECT_NE(e.find("rules[0] \"to-https\""), std::string::npos) << e;
  EXPECT_NE(e.find("hots"), std::string::npos) << e;
}

TEST(Refusal, DuplicateRealInPool) {
  auto s = basic();
  s.pools[0].reals.push_back(real("192.0.2.11", 80));  // same as the one with the service's port
  const std::string e = compileError(s);
  EXPECT_NE(e.find("pools[0] \"exchange\""), std::string::npos) << e;
}

TEST(Refusal, RuntimeKeepsTheOldGenerationWhenApplyFails) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  config::Config good;
  auto s = basic();
  s.port = 0;
  good.l7_services = {s};
  ASSERT_TRUE((*rt)->apply(good).ok());
  const uint16_t port = (*rt)->port("owa");
  EXPECT_NE(port, 0);
  config::Config bad = good;
  bad.l7_services[0].rules = {config::L7Rule{"x", {}, toPool("nope")}};
  bad.l7_services[0].max_request_body = 1;  // any change
  auto st = (*rt)->apply(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("\"nope\""), std::string::npos) << st.error();
  EXPECT_EQ((*rt)->port("owa"), port);  // still the first generation
  EXPECT_EQ((*rt)->retiring(), 0u);
  // An access log in a directory that does not exist is refused, naming the path.
  config::Config badlog = good;
  badlog.l7_services[0].access_log = "/nonexistent-dir/access.log";
  auto st2 = (*rt)->apply(badlog);
  ASSERT_FALSE(st2.ok());
  EXPECT_NE(st2.error().find("/nonexistent-dir/access.log"), std::string::npos) << st2.error();
  EXPECT_EQ((*rt)->port("owa"), port);
}

}  // namespace
}  // namespace vlb::mgmt::l7
