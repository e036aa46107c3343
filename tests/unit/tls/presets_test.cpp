// Cipher presets: what `modern` refuses and `compatible` accepts, and errors for unknown names.
#include <gtest/gtest.h>

#include "l7/tls/cipher_presets.h"
#include "l7/tls/server_context.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

std::shared_ptr<ServerContext> serviceWith(CipherPreset preset) {
  ServerConfig config;
  config.service = "presets";
  config.self_signed_name = "presets.example.com";
  config.preset = preset;
  auto made = ServerContext::create(std::move(config));
  EXPECT_TRUE(made.ok()) << made.error();
  return *made;
}

// A client that offers exactly `version` (and, when given, only `tls12_ciphers`).
SslCtxPtr clientOffering(int version, const char* tls12_ciphers = nullptr) {
  SslCtxPtr ctx = plainClientContext();
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  if (version < TLS1_2_VERSION) SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0");
  if (tls12_ciphers != nullptr) SSL_CTX_set_cipher_list(ctx.get(), tls12_ciphers);
  return ctx;
}

HandshakeResult tryHandshake(SSL_CTX* client, const ServerContext& server) {
  Pair pair = connectPair(client, server.acceptContext());
  return handshake(pair.client.get(), pair.server.get());
}

TEST(Presets, ModernRefusesTls11Client) {
  auto modern = serviceWith(CipherPreset::kModern);
  SslCtxPtr tls11 = clientOffering(TLS1_1_VERSION);
  HandshakeResult r = tryHandshake(tls11.get(), *modern);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.server_error.empty());
}

TEST(Presets, CompatibleAcceptsTls10AndTls11Clients) {
  auto compatible = serviceWith(CipherPreset::kCompatible);
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    SslCtxPtr old = clientOffering(version);
    HandshakeResult r = tryHandshake(old.get(), *compatible);
    EXPECT_TRUE(r.ok) << "version " << version << ": " << r.client_error << " / " << r.server_error;
  }
}

TEST(Presets, ModernRefusesCbcOnlyTls12Client) {
  auto modern = serviceWith(CipherPreset::kModern);
  SslCtxPtr cbc = clientOffering(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256");
  EXPECT_FALSE(tryHandshake(cbc.get(), *modern).ok);
  auto compatible = serviceWith(CipherPreset::kCompatible);
  EXPECT_TRUE(tryHandshake(cbc.get(), *compatible).ok);
}

TEST(Presets, BothAcceptTls12AeadAndTls13) {
  for (auto preset : {CipherPreset::kModern, CipherPreset::kCompatible}) {
    auto server = serviceWith(preset);
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
      SslCtxPtr client = clientOffering(version);
      EXPECT_TRUE(tryHandshake(client.get(), *server).ok)
          << cipherPresetName(preset) << " version " << version;
    }
  }
}

TEST(Presets, NamesParseAndUnknownIsNamedInTheError) {
  ASSERT_TRUE(parseCipherPreset("modern").ok());
  EXPECT_EQ(*parseCipherPreset("modern"), CipherPreset::kModern);
  EXPECT_EQ(*parseCipherPreset("compatible"), CipherPreset::kCompatible);
  auto bad = parseCipherPreset("legacy-export");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("'legacy-export'"), std::string::npos);
  EXPECT_NE(bad.error().find("modern"), std::string::npos);
}

}  // namespace
}  // namespace vlb::l7::tls::test
