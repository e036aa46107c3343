// https checks against a self-signed loopback server: no verification by default, verification
// against a CA bundle (and the Host name) when asked; failures say "tls error".
#include <gtest/gtest.h>

#include "checker_test_util.h"
#include "loopback_servers.h"

namespace vlb::health::testing {
namespace {

struct HttpsFixture : ::testing::Test {
  HttpsFixture() : cert("mail.example.com"), ctx(makeServerContext(cert)), server(ctx) {}
  ~HttpsFixture() override { SSL_CTX_free(ctx); }

  CheckSpec spec(const char* path) {
    CheckSpec s = quickSpec(CheckType::kHttps);
    Status st = applyCheckUrl("https://<real>:" + std::to_string(server.port()) + path, s);
    EXPECT_TRUE(st) << st.error();
    s.expect = *parseStatusRanges("200");
    return s;
  }

  TestCert cert;
  SSL_CTX* ctx;
  HttpTestServer server;
  CheckerHarness h;
};

TEST_F(HttpsFixture, SelfSignedPassesWithoutVerify) {
  const RealKey real = loopbackReal("owa", 443);
  ASSERT_TRUE(h.set({{real, spec("/owa/HealthCheck.htm")}}));
  ASSERT_TRUE(h.runChecks(real, 2));
  EXPECT_EQ(h.view(real).state, HealthState::kUp);
  EXPECT_EQ(h.view(real).last_reason, Reason::kOk) << reasonName(h.view(real).last_reason);
  ASSERT_FALSE(server.requests().empty());
  EXPECT_EQ(server.requests()[0].rfind("GET /owa/HealthCheck.htm HTTP/1.1\r\n", 0), 0u);
}

TEST_F(HttpsFixture, LaterChecksResumeTheTlsSession) {
  const RealKey real = loopbackReal("owa", 443);
  ASSERT_TRUE(h.set({{real, spec("/owa/HealthCheck.htm")}}));
  ASSERT_TRUE(h.runChecks(real, 3));
  EXPECT_EQ(h.view(real).failed_checks, 0u);
  EXPECT_GE(server.resumedTlsSessions(), 1);
  EXPECT_LT(server.resumedTlsSessions(), int(server.requests().size()));  // the first was full
}

TEST_F(HttpsFixture, VerifyAgainstAnotherCaFailsWithTlsError) {
  TestCert other("other.example.com");
  const RealKey real = loopbackReal("abs", 443);
  CheckSpec s = spec("/abs/handler");
  s.tls_verify = true;
  s.ca_file = other.pem_path;
  ASSERT_TRUE(h.set({{real, s}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).state, HealthState::kDown);
  EXPECT_EQ(h.view(real).last_reason, Reason::kTlsError) << reasonName(h.view(real).last_reason);
  EXPECT_TRUE(server.requests().empty());  // no request went over an unverified channel
}

TEST_F(HttpsFixture, VerifyWithItsCaChecksTheHostName) {
  const RealKey good = loopbackReal("owa", 443), wrong_name = loopbackReal("owa-wrong", 443);
  CheckSpec s = spec("/owa/HealthCheck.htm");
  s.tls_verify = true;
  s.ca_file = cert.pem_path;
  s.host = "mail.example.com";
  CheckSpec w = s;
  w.host = "autodiscover.example.com";
  ASSERT_TRUE(h.set({{good, s}, {wrong_name, w}}));
  ASSERT_TRUE(
      h.runUntil([&] { return h.view(good).checks >= 1 && h.view(wrong_name).checks >= 1; }));
  EXPECT_EQ(h.view(good).state, HealthState::kUp) << reasonName(h.view(good).last_reason);
  EXPECT_EQ(h.view(wrong_name).state, HealthState::kDown);
  EXPECT_EQ(h.view(wrong_name).last_reason, Reason::kTlsError);
}

TEST_F(HttpsFixture, PlainHttpToATlsPortFails) {
  const RealKey real = loopbackReal("owa", 443);
  CheckSpec s = spec("/");
  s.type = CheckType::kHttp;
  ASSERT_TRUE(h.set({{real, s}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).state, HealthState::kDown);
  EXPECT_FALSE(h.view(real).last_reason == Reason::kOk);
}

}  // namespace
}  // namespace vlb::health::testing
