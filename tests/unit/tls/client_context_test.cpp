// ClientContext (upstream re-encryption): SNI per connection, verification off by default, on
// against a CA bundle with host name checks, and session reuse per upstream endpoint.
#include <gtest/gtest.h>

#include "l7/tls/client_context.h"
#include "l7/tls/server_context.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

class Upstream : public ::testing::Test {
 protected:
  void SetUp() override {
    const Pki& pki = testPki();
    Issued leaf = issue({"real1.example.com", {"real1.example.com"}}, &pki.intermediate);
    ServerConfig config;
    config.service = "real1";
    CertificateBundle b;
    b.leaf = std::move(leaf.cert);
    b.key = std::move(leaf.key);
    b.chain.push_back(shareX509(pki.intermediate.cert.get()));
    config.certificates.push_back(std::move(b));
    auto made = ServerContext::create(std::move(config));
    ASSERT_TRUE(made.ok()) << made.error();
    signed_server_ = *made;

    ServerConfig self_signed;
    self_signed.service = "real2";
    self_signed.self_signed_name = "real1.example.com";
    auto made2 = ServerContext::create(std::move(self_signed));
    ASSERT_TRUE(made2.ok()) << made2.error();
    self_signed_server_ = *made2;

    ca_file_ = dir_.file("ca.pem");
    writeText(ca_file_, pemOf(pki.root.cert.get()));
  }

  std::shared_ptr<ClientContext> client(bool verify, const std::string& ca_file) {
    ClientConfig config;
    config.name = "upstream pool exchange";
    config.verify = verify;
    config.ca_file = ca_file;
    auto made = ClientContext::create(config);
    EXPECT_TRUE(made.ok()) << made.error();
    return *made;
  }

  struct Seen {
    HandshakeResult result;
    bool resumed = false;
    std::string server_saw_sni;
    long verify_result = X509_V_OK;
  };

  Seen connect(ClientContext& client, const ServerContext& server, const std::string& sni,
               const std::string& endpoint = "") {
    Pair pair = connectPair(client.connectContext(), server.acceptContext());
    EXPECT_TRUE(configureClientSsl(pair.client.get(), sni, endpoint));
    Seen seen;
    seen.result = handshake(pair.client.get(), pair.server.get());
    if (seen.result.ok) serverToClient(pair.client.get(), pair.server.get(), "ok");
    seen.resumed = SSL_session_reused(pair.client.get()) == 1;
    const char* name = SSL_get_servername(pair.server.get(), TLSEXT_NAMETYPE_host_name);
    seen.server_saw_sni = name ? name : "";
    seen.verify_result = SSL_get_verify_result(pair.client.get());
    closeBoth(pair);
    return seen;
  }

  TempDir dir_;
  std::string ca_file_;
  std::shared_ptr<ServerContext> signed_server_;
  std::shared_ptr<ServerContext> self_signed_server_;
};

TEST_F(Upstream, VerificationIsOffByDefault) {
  ClientConfig defaults;
  EXPECT_FALSE(defaults.verify);
  auto c = client(false, "");
  Seen seen = connect(*c, *self_signed_server_, "real1.example.com");
  EXPECT_TRUE(seen.result.ok) << seen.result.client_error;
}

TEST_F(Upstream, SniIsSentPerConnectionButNotForAddresses) {
  auto c = client(false, "");
  EXPECT_EQ(connect(*c, *signed_server_, "mail.example.com").server_saw_sni, "mail.example.com");
  EXPECT_EQ(connect(*c, *signed_server_, "owa.example.com").server_saw_sni, "owa.example.com");
  Seen by_ip = connect(*c, *signed_server_, "192.0.2.10");
  EXPECT_TRUE(by_ip.result.ok);
  EXPECT_EQ(by_ip.server_saw_sni, "");
}

TEST_F(Upstream, VerifyFailsAgainstSelfSignedServer) {
  auto c = client(true, ca_file_);
  Seen seen = connect(*c, *self_signed_server_, "real1.example.com");
  EXPECT_FALSE(seen.result.ok);
  EXPECT_NE(seen.verify_result, X509_V_OK);
}

TEST_F(Upstream, VerifyPassesWithTheCaBundle) {
  auto c = client(true, ca_file_);
  Seen seen = connect(*c, *signed_server_, "real1.example.com");
  EXPECT_TRUE(seen.result.ok) << seen.result.client_error;
  EXPECT_EQ(seen.verify_result, X509_V_OK);
}

TEST_F(Upstream, VerifyChecksTheHostName) {
  auto c = client(true, ca_file_);
  Seen seen = connect(*c, *signed_server_, "other.example.com");
  EXPECT_FALSE(seen.result.ok);
  EXPECT_EQ(seen.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(Upstream, UnreadableCaBundleIsNamed) {
  ClientConfig config;
  config.name = "upstream pool exchange";
  config.verify = true;
  config.ca_file = dir_.file("missing.pem");
  auto made = ClientContext::create(config);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().find("missing.pem"), std::string::npos) << made.error();
  EXPECT_NE(made.error().find("upstream pool exchange"), std::string::npos) << made.error();
  EXPECT_NE(made.error().find("No such file"), std::string::npos) << made.error();
}

TEST_F(Upstream, SessionsAreReusedPerEndpoint) {
  auto c = client(true, ca_file_);
  Seen first = connect(*c, *signed_server_, "real1.example.com", "192.0.2.11:443");
  ASSERT_TRUE(first.result.ok);
  EXPECT_FALSE(first.resumed);
  EXPECT_GE(c->sessions().size(), 1u);
  Seen second = connect(*c, *signed_server_, "real1.example.com", "192.0.2.11:443");
  ASSERT_TRUE(second.result.ok);
  EXPECT_TRUE(second.resumed);
  Seen other = connect(*c, *signed_server_, "real1.example.com", "192.0.2.12:443");
  ASSERT_TRUE(other.result.ok);
  EXPECT_FALSE(other.resumed);
}

TEST_F(Upstream, SessionCacheIsBoundedAndIgnoresUnresumableSessions) {
  ClientConfig config;
  config.max_cached_sessions = 2;
  auto made = ClientContext::create(config);
  ASSERT_TRUE(made.ok()) << made.error();
  for (const char* endpoint : {"192.0.2.21:443", "192.0.2.22:443", "192.0.2.23:443"}) {
    ASSERT_TRUE(connect(**made, *signed_server_, "real1.example.com", endpoint).result.ok);
  }
  EXPECT_EQ((*made)->sessions().size(), 2u);

  UpstreamSessionCache cache(4);
  SslSessionPtr blank(SSL_SESSION_new());  // never negotiated: not resumable
  cache.put("192.0.2.30:443/x", blank.get());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get("192.0.2.30:443/x"), nullptr);
}

}  // namespace
}  // namespace vlb::l7::tls::test
