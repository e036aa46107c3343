// TLS client contexts of the https check.
#include "mgmt/health/tls_client_context.h"

#include <openssl/err.h>

namespace vlb::health {
namespace {

std::string lastSslError() {
  const unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return e ? buf : "unknown OpenSSL error";
}

}  // namespace

Result<SslCtxPtr> makeTlsClientContext(bool verify, const std::string& ca_file) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail("https check: cannot create a TLS context: " + lastSslError());
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Sessions are kept per real by the checker (SSL_get1_session), not in OpenSSL's cache.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    return ctx;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1)
    return fail("https check: CA bundle \"" + ca_file + "\" cannot be loaded: " + lastSslError());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

Result<SSL_CTX*> TlsClientContexts::get(bool verify, const std::string& ca_file) {
  const std::string key = verify ? ca_file : std::string();
  if (auto it = by_ca_.find(key); it != by_ca_.end()) return it->second.get();
  auto ctx = makeTlsClientContext(verify, ca_file);
  if (!ctx) return fail(ctx.error());
  SSL_CTX* raw = ctx->get();
  by_ca_.emplace(key, std::move(*ctx));
  return raw;
}

}  // namespace vlb::health
