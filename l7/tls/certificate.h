// CertificateBundle: a leaf certificate, its private key and the intermediates to send with it,
// as loaded from PEM or PKCS#12 or generated. The unit that server contexts are built from.
#pragma once

#include <string>
#include <vector>

#include "l7/tls/openssl_ptr.h"

namespace vlb::l7::tls {

enum class KeyKind { kRsa, kEcdsa, kOther };

struct CertificateBundle {
  X509Ptr leaf;
  EvpPkeyPtr key;
  std::vector<X509Ptr> chain;         // intermediates, leaf's issuer first; never the leaf itself
  bool generated = false;             // self-signed by us because the service had no certificate
  std::string source;                 // file(s) it came from, or "generated for NAME"
  std::vector<std::string> warnings;  // e.g. expired: loading goes on, the operator is told
};

// RSA, ECDSA or something a TLS server cannot pair by signature algorithm (Ed25519, DSA).
KeyKind keyKindOf(const EVP_PKEY* key);
const char* keyKindName(KeyKind kind);

}  // namespace vlb::l7::tls
