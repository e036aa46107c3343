// Building CertificateInfo from a bundle.
#include "l7/tls/cert_info.h"

#include <openssl/core_names.h>

#include <ctime>

#include "l7/tls/cert_names.h"
#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

int64_t unixTime(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string isoTime(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i != 0) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

std::string curveName(const EVP_PKEY* key) {
  char name[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
      1) {
    clearOpenSslError();
    return "";
  }
  return std::string(name, len);
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

CertificateInfo describeCertificate(const CertificateBundle& bundle,
                                    std::chrono::system_clock::time_point now) {
  CertificateInfo info;
  X509* leaf = bundle.leaf.get();
  info.subject_cn = commonName(leaf);
  info.sans = dnsAltNames(leaf);
  info.subject = subjectLine(leaf);
  info.issuer = issuerLine(leaf);
  const EVP_PKEY* key = bundle.key ? bundle.key.get() : X509_get0_pubkey(leaf);
  KeyKind kind = keyKindOf(key);
  info.key_type = kind == KeyKind::kOther ? EVP_PKEY_get0_type_name(key) : keyKindName(kind);
  info.key_bits = EVP_PKEY_get_bits(key);
  if (kind == KeyKind::kEcdsa) info.curve = curveName(key);
  info.not_before = unixTime(X509_get0_notBefore(leaf));
  info.not_after = unixTime(X509_get0_notAfter(leaf));
  info.not_before_text = isoTime(info.not_before);
  info.not_after_text = isoTime(info.not_after);
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  info.days_until_expiry = floorDiv(info.not_after - now_s, 86400);
  info.generated = bundle.generated;
  info.sha256_fingerprint = fingerprint(leaf);
  info.chain_length = static_cast<int>(bundle.chain.size());
  info.source = bundle.source;
  return info;
}

}  // namespace vlb::l7::tls
