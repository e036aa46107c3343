// Upstream TLS contexts, per-connection settings and the session reuse hook.
#include "l7/tls/client_context.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

int contextIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void freeSessionKey(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/,
                    long /*argl*/, void* /*argp*/) {
  delete static_cast<std::string*>(ptr);
}

// The SSL's (endpoint, sni) cache key, owned by the SSL and freed with it.
int sessionKeyIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeSessionKey);
  return index;
}

bool isIpLiteral(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

Status loadTrust(SSL_CTX* ctx, const ClientConfig& config) {
  const std::string role = config.name.empty() ? "upstream" : config.name;
  if (config.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return fail(role + ": cannot load the system trust store: " + takeOpenSslError());
    }
    return Ok{};
  }
  FILE* f = std::fopen(config.ca_file.c_str(), "rb");
  if (f == nullptr) {
    return fail(role + ": cannot read CA bundle " + config.ca_file + ": " + std::strerror(errno));
  }
  std::fclose(f);
  clearOpenSslError();
  if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) != 1) {
    return fail(role + ": no usable CA certificate in " + config.ca_file + ": " +
                takeOpenSslError());
  }
  return Ok{};
}

}  // namespace

ClientContext::~ClientContext() = default;

Result<std::shared_ptr<ClientContext>> ClientContext::create(ClientConfig config) {
  const std::string role = config.name.empty() ? "upstream" : config.name;
  std::shared_ptr<ClientContext> self(new ClientContext(config.max_cached_sessions));
  clearOpenSslError();
  self->ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!self->ctx_) return fail(role + ": cannot create SSL_CTX: " + takeOpenSslError());
  SSL_CTX* ctx = self->ctx_.get();
  if (auto s = applyCipherPreset(ctx, config.preset, role); !s) return fail(s.error());
  self->verify_ = config.verify;
  if (config.verify) {
    if (auto s = loadTrust(ctx, config); !s) return fail(s.error());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  self->reuse_sessions_ = config.reuse_sessions;
  if (config.reuse_sessions) {
    // Our cache, not OpenSSL's internal one: it is keyed by endpoint, which OpenSSL cannot know.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, onNewSession);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  SSL_CTX_set_ex_data(ctx, contextIndex(), self.get());
  return self;
}

int ClientContext::onNewSession(SSL* ssl, SSL_SESSION* session) {
  auto* self = static_cast<ClientContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), contextIndex()));
  const auto* key = static_cast<const std::string*>(SSL_get_ex_data(ssl, sessionKeyIndex()));
  if (self != nullptr && key != nullptr) self->sessions_.put(*key, session);
  return 0;  // we took our own reference; OpenSSL keeps and frees its one
}

bool configureClientSsl(SSL* ssl, std::string_view sni, std::string_view endpoint) {
  auto* self = static_cast<ClientContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), contextIndex()));
  const std::string name(sni);
  const bool ip = isIpLiteral(name);
  if (!name.empty() && !ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return false;
  if (self != nullptr && self->verify_ && !name.empty()) {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    bool ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1
                 : SSL_set1_host(ssl, name.c_str()) == 1;
    if (!ok) return false;
  }
  if (self != nullptr && self->reuse_sessions_ && !endpoint.empty()) {
    auto* key = new std::string(UpstreamSessionCache::keyFor(endpoint, name));
    delete static_cast<std::string*>(SSL_get_ex_data(ssl, sessionKeyIndex()));  // called twice
    if (SSL_set_ex_data(ssl, sessionKeyIndex(), key) != 1) {
      delete key;
      return false;
    }
    if (SslSessionPtr cached = self->sessions_.get(*key)) {
      // OpenSSL marks a session unusable when its connection ended without close_notify.
      if (SSL_SESSION_is_resumable(cached.get()) == 1) {
        SSL_set_session(ssl, cached.get());
      } else {
        self->sessions_.erase(*key);
      }
    }
  }
  return true;
}

}  // namespace vlb::l7::tls
