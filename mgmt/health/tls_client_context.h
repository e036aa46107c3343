// OpenSSL client contexts for https checks: one that accepts any certificate (the default, as the
// reals' certificates are often internal or expired), one per CA bundle for checks with verify.
#pragma once

#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <string>

#include "mgmt/common/result.h"

namespace vlb::health {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// verify false: no certificate check, old protocol versions and weak keys allowed.
// verify true: chain against `ca_file` (PEM), TLS 1.2 or later. Reads the file now (control path).
Result<SslCtxPtr> makeTlsClientContext(bool verify, const std::string& ca_file);

// The contexts one configuration needs, built once per setChecks and shared by its probes.
class TlsClientContexts {
 public:
  Result<SSL_CTX*> get(bool verify, const std::string& ca_file);

 private:
  std::map<std::string, SslCtxPtr> by_ca_;  // "" for the no-verify context
};

}  // namespace vlb::health
