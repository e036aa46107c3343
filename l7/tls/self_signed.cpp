// Key generation and the self-signed fallback certificate.
#include "l7/tls/self_signed.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

bool isIpLiteral(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

bool addExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool setRandomSerial(X509* cert) {
  BIGNUM* bn = BN_new();
  bool ok = bn != nullptr && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok;
}

}  // namespace

Result<EvpPkeyPtr> generateKey(const std::string& curve, int rsa_bits) {
  clearOpenSslError();
  EVP_PKEY* key = curve.empty() ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(rsa_bits))
                                : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
  if (key == nullptr) {
    return fail("cannot generate " + (curve.empty() ? "RSA-" + std::to_string(rsa_bits) : curve) +
                " key: " + takeOpenSslError());
  }
  return EvpPkeyPtr(key);
}

Result<CertificateBundle> generateSelfSigned(const std::string& host_name, int days,
                                             std::chrono::system_clock::time_point now) {
  if (host_name.empty() || host_name.size() > 253) {
    return fail("cannot generate a self-signed certificate: host name '" + host_name +
                "' is empty or longer than 253 characters");
  }
  auto key = generateKey("P-256");
  if (!key) return fail(key.error());
  return generateSelfSigned(host_name, std::move(*key), days, now);
}

Result<CertificateBundle> generateSelfSigned(const std::string& host_name, EvpPkeyPtr key,
                                             int days, std::chrono::system_clock::time_point now) {
  if (host_name.empty() || host_name.size() > 253 || !key) {
    return fail("cannot generate a self-signed certificate: host name '" + host_name +
                "' is empty or longer than 253 characters, or no key was given");
  }
  X509Ptr cert(X509_new());
  // RSA keys also decrypt the premaster secret of static-RSA suites (compatible preset).
  const char* keyUsage = keyKindOf(key.get()) == KeyKind::kRsa
                             ? "critical,digitalSignature,keyEncipherment"
                             : "critical,digitalSignature";
  const std::string what = "self-signed certificate for " + host_name;
  if (!cert) return fail("cannot create " + what + ": out of memory");

  time_t start = std::chrono::system_clock::to_time_t(now) - 3600;  // tolerate clock skew
  X509_NAME* subject = X509_get_subject_name(cert.get());
  std::string san = (isIpLiteral(host_name) ? "IP:" : "DNS:") + host_name;
  bool ok = X509_set_version(cert.get(), X509_VERSION_3) == 1 && setRandomSerial(cert.get()) &&
            X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &start) != nullptr &&
            X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, &start) != nullptr &&
            X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(host_name.c_str()),
                                       -1, -1, 0) == 1 &&
            X509_set_issuer_name(cert.get(), subject) == 1 &&
            X509_set_pubkey(cert.get(), key.get()) == 1 &&
            addExtension(cert.get(), NID_subject_alt_name, san) &&
            addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            addExtension(cert.get(), NID_key_usage, keyUsage) &&
            addExtension(cert.get(), NID_ext_key_usage, "serverAuth") &&
            addExtension(cert.get(), NID_subject_key_identifier, "hash") &&
            X509_sign(cert.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return fail("cannot create " + what + ": " + takeOpenSslError());

  CertificateBundle bundle;
  bundle.leaf = std::move(cert);
  bundle.key = std::move(key);
  bundle.generated = true;
  bundle.source = "generated for " + host_name;
  bundle.warnings.push_back("no certificate configured: using a generated self-signed certificate "
                            "for " + host_name + "; clients will not trust it");
  return bundle;
}

}  // namespace vlb::l7::tls
