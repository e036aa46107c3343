// The two cipher presets and how they map onto OpenSSL settings.
#include "l7/tls/cipher_presets.h"

#include <string>

#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

constexpr const char* kModernTls12 =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Security level 0: OpenSSL 3 rates the MD5+SHA-1 handshake signatures of TLS 1.0/1.1 below
// level 1, so without it those versions fail even when enabled.
constexpr const char* kCompatibleTls12 =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:"
    "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:"
    "@SECLEVEL=0";

constexpr const char* kGroups = "X25519:P-256:P-384";

}  // namespace

Result<CipherPreset> parseCipherPreset(std::string_view name) {
  if (name == "modern") return CipherPreset::kModern;
  if (name == "compatible") return CipherPreset::kCompatible;
  return fail("unknown cipher preset '" + std::string(name) + "' (known: modern, compatible)");
}

const char* cipherPresetName(CipherPreset preset) {
  return preset == CipherPreset::kModern ? "modern" : "compatible";
}

Status applyCipherPreset(SSL_CTX* ctx, CipherPreset preset, std::string_view role) {
  const bool modern = preset == CipherPreset::kModern;
  const int min_version = modern ? TLS1_2_VERSION : TLS1_VERSION;
  clearOpenSslError();
  bool ok = SSL_CTX_set_min_proto_version(ctx, min_version) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
            SSL_CTX_set_cipher_list(ctx, modern ? kModernTls12 : kCompatibleTls12) == 1 &&
            SSL_CTX_set_ciphersuites(ctx, kTls13Suites) == 1 &&
            SSL_CTX_set1_groups_list(ctx, kGroups) == 1;
  if (!ok) {
    return fail("cannot apply cipher preset '" + std::string(cipherPresetName(preset)) + "' to " +
                std::string(role) + ": " + takeOpenSslError());
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_NO_COMPRESSION);
  return Ok{};
}

}  // namespace vlb::l7::tls
