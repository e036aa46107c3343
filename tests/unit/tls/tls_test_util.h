// Test helpers for l7/tls: a temporary directory, a small PKI built with the OpenSSL API (root,
// intermediate, leaves with chosen names and key types), PEM writers, and TLS handshakes between
// two SSL objects over an in-memory BIO pair (no sockets).
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <vector>

#include "l7/tls/openssl_ptr.h"

namespace vlb::l7::tls::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

enum class KeyType { kRsa2048, kEcP256 };

struct Issued {
  X509Ptr cert;
  EvpPkeyPtr key;
};

struct CertSpec {
  std::string cn;
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  KeyType key_type = KeyType::kEcP256;
  bool is_ca = false;
  long valid_from_days = -1;  // relative to now
  long valid_to_days = 365;
};

EvpPkeyPtr makeKey(KeyType type);
// Signs with `issuer` (null: self-signed).
Issued issue(const CertSpec& spec, const Issued* issuer = nullptr);

// root -> intermediate -> leaves, built once per process and shared (RSA keys are slow to make).
struct Pki {
  Issued root;
  Issued intermediate;
};
const Pki& testPki();

std::string pemOf(X509* cert);
std::string pemOf(EVP_PKEY* key);
void writeText(const std::string& path, const std::string& text);

// Handshake over a BIO pair, both sides non-blocking; bounded to a fixed number of rounds.
struct HandshakeResult {
  bool ok = false;
  std::string client_error;
  std::string server_error;
};
HandshakeResult handshake(SSL* client, SSL* server);
// After a handshake: server sends bytes, client reads them (delivers TLS 1.3 session tickets).
bool serverToClient(SSL* client, SSL* server, const std::string& data);

struct Pair {
  SslPtr client;
  SslPtr server;
};
Pair connectPair(SSL_CTX* client_ctx, SSL_CTX* server_ctx);
// Both sides send close_notify. OpenSSL marks the session of a connection freed without it as
// not resumable, so every test that wants to resume closes this way first.
void closeBoth(Pair& pair);

// A plain client SSL_CTX: no verification, TLS 1.2..1.3 unless changed by the caller.
SslCtxPtr plainClientContext();

std::string peerCommonName(SSL* client);
std::string peerKeyType(SSL* client);  // "RSA" or "EC"
int peerChainLength(SSL* client);      // certificates the server sent, leaf included

}  // namespace vlb::l7::tls::test
