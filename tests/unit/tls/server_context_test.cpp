// ServerContext: SNI selection (exact, wildcard, unknown, none), RSA beside ECDSA chosen by the
// client's signature algorithms, the chain being sent, the generated self-signed fallback and the
// configuration errors. Every check is a real handshake over a BIO pair.
#include <gtest/gtest.h>

#include "l7/tls/server_context.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

CertificateBundle bundleFrom(const CertSpec& spec, bool with_chain = true) {
  const Pki& pki = testPki();
  Issued issued = issue(spec, &pki.intermediate);
  CertificateBundle b;
  b.leaf = std::move(issued.cert);
  b.key = std::move(issued.key);
  if (with_chain) b.chain.push_back(shareX509(pki.intermediate.cert.get()));
  b.source = spec.cn + (spec.key_type == KeyType::kRsa2048 ? ".rsa" : ".ec");
  return b;
}

// Handshakes with `sni` ("" = none) and returns the client side for inspection.
struct Seen {
  HandshakeResult result;
  std::string cn;
  std::string key_type;
  int chain_length = 0;
};

Seen connect(const ServerContext& server, const std::string& sni, SSL_CTX* client_ctx = nullptr) {
  SslCtxPtr own = plainClientContext();
  Pair pair = connectPair(client_ctx ? client_ctx : own.get(), server.acceptContext());
  if (!sni.empty()) SSL_set_tlsext_host_name(pair.client.get(), sni.c_str());
  Seen seen;
  seen.result = handshake(pair.client.get(), pair.server.get());
  seen.cn = peerCommonName(pair.client.get());
  seen.key_type = peerKeyType(pair.client.get());
  seen.chain_length = peerChainLength(pair.client.get());
  return seen;
}

std::shared_ptr<ServerContext> threeSiteService() {
  ServerConfig config;
  config.service = "exchange";
  config.certificates.push_back(bundleFrom({"mail.example.com", {"mail.example.com",
                                             "autodiscover.example.com"}}));
  config.certificates.push_back(bundleFrom({"lync.example.com", {"lync.example.com"}}));
  config.certificates.push_back(bundleFrom({"wildcard.example.net", {"*.example.net"}}));
  auto made = ServerContext::create(std::move(config));
  EXPECT_TRUE(made.ok()) << made.error();
  return made.ok() ? *made : nullptr;
}

TEST(ServerContext, SniPicksTheCertificateWithThatName) {
  auto service = threeSiteService();
  ASSERT_TRUE(service);
  Seen lync = connect(*service, "lync.example.com");
  ASSERT_TRUE(lync.result.ok) << lync.result.client_error << " / " << lync.result.server_error;
  EXPECT_EQ(lync.cn, "lync.example.com");
  EXPECT_EQ(connect(*service, "autodiscover.example.com").cn, "mail.example.com");
  EXPECT_EQ(connect(*service, "LYNC.Example.COM").cn, "lync.example.com");  // case-insensitive
}

TEST(ServerContext, WildcardCoversOneLabelOnly) {
  auto service = threeSiteService();
  ASSERT_TRUE(service);
  EXPECT_EQ(connect(*service, "owa.example.net").cn, "wildcard.example.net");
  EXPECT_EQ(connect(*service, "a.b.example.net").cn, "mail.example.com");  // default
  EXPECT_EQ(connect(*service, "example.net").cn, "mail.example.com");
}

TEST(ServerContext, UnknownOrMissingSniGetsTheDefault) {
  auto service = threeSiteService();
  ASSERT_TRUE(service);
  Seen unknown = connect(*service, "intranet.example.org");
  ASSERT_TRUE(unknown.result.ok);
  EXPECT_EQ(unknown.cn, "mail.example.com");
  Seen none = connect(*service, "");
  ASSERT_TRUE(none.result.ok);
  EXPECT_EQ(none.cn, "mail.example.com");
}

TEST(ServerContext, ChainIsSent) {
  auto service = threeSiteService();
  ASSERT_TRUE(service);
  Seen seen = connect(*service, "mail.example.com");
  ASSERT_TRUE(seen.result.ok);
  EXPECT_EQ(seen.chain_length, 2);  // leaf + intermediate, not the root
}

class DualKey : public ::testing::TestWithParam<int> {};  // param: max TLS version of the client

TEST_P(DualKey, RsaOnlyClientGetsRsaOthersGetEcdsa) {
  ServerConfig config;
  config.service = "owa";
  config.certificates.push_back(bundleFrom({"owa.example.com", {"owa.example.com"},
                                             KeyType::kRsa2048}));
  config.certificates.push_back(bundleFrom({"owa.example.com", {"owa.example.com"},
                                             KeyType::kEcP256}));
  auto service = ServerContext::create(std::move(config));
  ASSERT_TRUE(service.ok()) << service.error();

  SslCtxPtr modern_client = plainClientContext();
  SSL_CTX_set_max_proto_version(modern_client.get(), GetParam());
  Seen modern = connect(**service, "owa.example.com", modern_client.get());
  ASSERT_TRUE(modern.result.ok) << modern.result.client_error << modern.result.server_error;
  EXPECT_EQ(modern.key_type, "EC");

  SslCtxPtr old_client = plainClientContext();
  SSL_CTX_set_max_proto_version(old_client.get(), GetParam());
  ASSERT_EQ(SSL_CTX_set1_sigalgs_list(old_client.get(), "RSA+SHA256:RSA+SHA384:rsa_pss_rsae_sha256"), 1);
  Seen old = connect(**service, "owa.example.com", old_client.get());
  ASSERT_TRUE(old.result.ok) << old.result.client_error << old.result.server_error;
  EXPECT_EQ(old.key_type, "RSA");
  EXPECT_EQ(old.chain_length, 2);

  // Also for clients without SNI: the default slot holds both keys.
  Seen old_no_sni = connect(**service, "", old_client.get());
  ASSERT_TRUE(old_no_sni.result.ok);
  EXPECT_EQ(old_no_sni.key_type, "RSA");
}

INSTANTIATE_TEST_SUITE_P(Versions, DualKey, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION));

TEST(ServerContext, NoCertificateGeneratesAFlaggedSelfSignedOne) {
  ServerConfig config;
  config.service = "fresh";
  config.self_signed_name = "vlb.example.com";
  auto service = ServerContext::create(std::move(config));
  ASSERT_TRUE(service.ok()) << service.error();
  auto infos = (*service)->certificates();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_TRUE(infos[0].generated);
  EXPECT_EQ(infos[0].subject_cn, "vlb.example.com");
  EXPECT_EQ(infos[0].sans, std::vector<std::string>{"vlb.example.com"});
  EXPECT_EQ(infos[0].curve, "prime256v1");
  EXPECT_EQ(infos[0].issuer, infos[0].subject);
  ASSERT_FALSE((*service)->warnings().empty());
  EXPECT_NE((*service)->warnings()[0].find("self-signed"), std::string::npos);

  Seen seen = connect(**service, "vlb.example.com");
  ASSERT_TRUE(seen.result.ok);
  EXPECT_EQ(seen.cn, "vlb.example.com");
  EXPECT_EQ(seen.key_type, "EC");
}

TEST(ServerContext, NoCertificateAndNoNameIsAnError) {
  ServerConfig config;
  config.service = "empty";
  auto service = ServerContext::create(std::move(config));
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.error().find("service empty"), std::string::npos);
}

TEST(ServerContext, TwoCertificatesOfOneKeyTypeForOneNameAreRefused) {
  ServerConfig config;
  config.service = "dup";
  config.certificates.push_back(bundleFrom({"one", {"www.example.com"}}));
  config.certificates.push_back(bundleFrom({"two", {"www.example.com", "api.example.com"}}));
  auto service = ServerContext::create(std::move(config));
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.error().find("www.example.com"), std::string::npos) << service.error();
  EXPECT_NE(service.error().find("one.ec"), std::string::npos) << service.error();
  EXPECT_NE(service.error().find("two.ec"), std::string::npos) << service.error();
}

TEST(ServerContext, ABundleWithoutKeyIsRefusedByPosition) {
  ServerConfig config;
  config.service = "half";
  config.certificates.push_back(bundleFrom({"ok.example.com", {"ok.example.com"}}));
  CertificateBundle no_key = bundleFrom({"nokey.example.com", {"nokey.example.com"}});
  no_key.key.reset();
  config.certificates.push_back(std::move(no_key));
  auto service = ServerContext::create(std::move(config));
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.error().find("service half: certificate 2"), std::string::npos)
      << service.error();
}

TEST(ServerContext, CommonNameIsUsedWhenThereIsNoSan) {
  ServerConfig config;
  config.service = "legacy";
  config.certificates.push_back(bundleFrom({"default.example.com", {"default.example.com"}}));
  config.certificates.push_back(bundleFrom({"old.example.com", {}}));
  auto service = ServerContext::create(std::move(config));
  ASSERT_TRUE(service.ok()) << service.error();
  EXPECT_EQ(connect(**service, "old.example.com").cn, "old.example.com");
}

}  // namespace
}  // namespace vlb::l7::tls::test
