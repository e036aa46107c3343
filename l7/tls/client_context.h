// ClientContext: the TLS side of the proxy's connections to real servers (re-encryption). One
// SSL_CTX per upstream pool; per connection, configureClientSsl() sets SNI, the name to verify
// and a cached session for that endpoint. Verification is off unless asked for (real servers
// behind a load balancer often carry internal or self-signed certificates).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "l7/tls/cipher_presets.h"
#include "l7/tls/upstream_sessions.h"
#include "mgmt/common/result.h"

namespace vlb::l7::tls {

struct ClientConfig {
  std::string name;  // names the pool in errors: "upstream pool exchange"
  CipherPreset preset = CipherPreset::kModern;
  bool verify = false;
  std::string ca_file;  // PEM bundle of trusted CAs; empty with verify: the system trust store
  bool reuse_sessions = true;
  size_t max_cached_sessions = 4096;
};

class ClientContext {
 public:
  static Result<std::shared_ptr<ClientContext>> create(ClientConfig config);
  ~ClientContext();
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  // For SSL_new() on upstream connections; this object must outlive them.
  SSL_CTX* connectContext() const { return ctx_.get(); }
  UpstreamSessionCache& sessions() { return sessions_; }
  bool verifies() const { return verify_; }

 private:
  ClientContext(size_t max_sessions) : sessions_(max_sessions) {}
  static int onNewSession(SSL* ssl, SSL_SESSION* session);
  friend bool configureClientSsl(SSL*, std::string_view, std::string_view);

  SslCtxPtr ctx_;
  UpstreamSessionCache sessions_;
  bool verify_ = false;
  bool reuse_sessions_ = true;
};

// Prepares an SSL made from a ClientContext's SSL_CTX before SSL_connect: SNI = `sni` (the
// request's Host or a configured name; not sent for IP literals or ""), host name (or IP)
// verification against `sni` when the context verifies, and, when `endpoint` ("ip:port") is given
// and reuse is on, the cached session for (endpoint, sni) plus remembering the new one.
// False only when OpenSSL refuses a setting (out of memory, SNI longer than 255 bytes).
bool configureClientSsl(SSL* ssl, std::string_view sni, std::string_view endpoint = {});

}  // namespace vlb::l7::tls
