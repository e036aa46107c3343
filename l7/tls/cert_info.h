// What `show certificates` prints about one certificate: names, issuer, key, validity, expiry
// countdown, whether we generated it, and its SHA-256 fingerprint as browsers show it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "l7/tls/certificate.h"

namespace vlb::l7::tls {

struct CertificateInfo {
  std::string subject_cn;
  std::vector<std::string> sans;  // DNS names as written in the certificate
  std::string subject;            // RFC 2253 one-line form
  std::string issuer;             // RFC 2253 one-line form
  std::string key_type;           // "RSA", "ECDSA", "ED25519", ...
  int key_bits = 0;               // RSA modulus bits, or the curve's field size
  std::string curve;              // "prime256v1" style OpenSSL group name; "" for RSA
  int64_t not_before = 0;         // seconds since the Unix epoch, UTC
  int64_t not_after = 0;
  std::string not_before_text;    // "2026-11-21T15:00:00Z"
  std::string not_after_text;
  int64_t days_until_expiry = 0;  // floor((not_after - now) / 1 day); negative once expired
  bool generated = false;
  std::string sha256_fingerprint; // upper-case hex pairs joined by ':', over the DER leaf
  int chain_length = 0;           // intermediates sent after the leaf
  std::string source;
};

CertificateInfo describeCertificate(const CertificateBundle& bundle,
                                    std::chrono::system_clock::time_point now =
                                        std::chrono::system_clock::now());

}  // namespace vlb::l7::tls
