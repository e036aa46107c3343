// Implementation of the l7/tls test helpers.
#include "tls_test_util.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace vlb::l7::tls::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vlb-tls-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

EvpPkeyPtr makeKey(KeyType type) {
  EVP_PKEY* key = type == KeyType::kRsa2048 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                            : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) throw std::runtime_error("key generation failed");
  return EvpPkeyPtr(key);
}

namespace {

void addExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace

Issued issue(const CertSpec& spec, const Issued* issuer) {
  static long serial = 1000;
  Issued out{X509Ptr(X509_new()), makeKey(spec.key_type)};
  X509* cert = out.cert.get();
  X509_set_version(cert, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.valid_from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), spec.valid_to_days * 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("VLB Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  EVP_PKEY* issuer_key = issuer ? issuer->key.get() : out.key.get();
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(cert, out.key.get());
  addExt(cert, issuer_cert, NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  addExt(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (spec.is_ca) addExt(cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!spec.dns_names.empty()) {
    std::string san;
    for (const auto& n : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
    addExt(cert, issuer_cert, NID_subject_alt_name, san);
  }
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) throw std::runtime_error("sign failed");
  return out;
}

const Pki& testPki() {
  static const Pki pki = [] {
    Pki p;
    p.root = issue({"VLB Test Root", {}, KeyType::kEcP256, true, -2, 3650});
    p.intermediate = issue({"VLB Test Intermediate", {}, KeyType::kEcP256, true, -2, 1825}, &p.root);
    return p;
  }();
  return pki;
}

std::string pemOf(X509* cert) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(mem.get(), cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string pemOf(EVP_PKEY* key) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(mem.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

namespace {

// 0 = finished, 1 = wants more I/O, -1 = failed (reason in `error`).
int step(SSL* ssl, int rc, std::string& error) {
  if (rc == 1) return 0;
  int err = SSL_get_error(ssl, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return 1;
  unsigned long code = ERR_get_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  error = reason ? reason : "ssl error " + std::to_string(err);
  ERR_clear_error();
  return -1;
}

}  // namespace

HandshakeResult handshake(SSL* client, SSL* server) {
  HandshakeResult result;
  bool client_done = false, server_done = false;
  for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
    if (!client_done) {
      int s = step(client, SSL_do_handshake(client), result.client_error);
      if (s < 0) break;
      client_done = s == 0;
    }
    if (!server_done) {
      int s = step(server, SSL_do_handshake(server), result.server_error);
      if (s < 0) break;
      server_done = s == 0;
    }
  }
  result.ok = client_done && server_done;
  if (!result.ok && result.client_error.empty()) {
    // The server failed first: let the client read the alert so it reports too.
    step(client, SSL_do_handshake(client), result.client_error);
  }
  return result;
}

bool serverToClient(SSL* client, SSL* server, const std::string& data) {
  if (SSL_write(server, data.data(), static_cast<int>(data.size())) != static_cast<int>(data.size())) {
    return false;
  }
  std::string got;
  char buf[256];
  for (int round = 0; round < 20 && got.size() < data.size(); ++round) {
    int n = SSL_read(client, buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    else if (SSL_get_error(client, n) != SSL_ERROR_WANT_READ) return false;
  }
  return got == data;
}

Pair connectPair(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  Pair pair{SslPtr(SSL_new(client_ctx)), SslPtr(SSL_new(server_ctx))};
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(pair.client.get(), client_bio, client_bio);
  SSL_set_bio(pair.server.get(), server_bio, server_bio);
  SSL_set_connect_state(pair.client.get());
  SSL_set_accept_state(pair.server.get());
  return pair;
}

void closeBoth(Pair& pair) {
  SSL_shutdown(pair.client.get());
  SSL_shutdown(pair.server.get());
}

SslCtxPtr plainClientContext() {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  return ctx;
}

std::string peerCommonName(SSL* client) {
  X509* peer = SSL_get0_peer_certificate(client);
  if (peer == nullptr) return "";
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buf, sizeof buf);
  return buf;
}

std::string peerKeyType(SSL* client) {
  X509* peer = SSL_get0_peer_certificate(client);
  if (peer == nullptr) return "";
  return EVP_PKEY_get_base_id(X509_get0_pubkey(peer)) == EVP_PKEY_RSA ? "RSA" : "EC";
}

int peerChainLength(SSL* client) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(client);
  return chain ? sk_X509_num(chain) : 0;
}

}  // namespace vlb::l7::tls::test
