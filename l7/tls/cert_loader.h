// Loading certificates and keys from files: PEM (separate or one bundle file) and PKCS#12/PFX.
// Errors name the file and why; an expired or not yet valid certificate is a warning, not an error.
#pragma once

#include <chrono>
#include <string>

#include "l7/tls/certificate.h"
#include "mgmt/common/result.h"

namespace vlb::l7::tls {

struct PemFiles {
  std::string certificate;  // leaf, optionally followed by intermediates and the key (a bundle)
  std::string key;          // empty: the key is in `certificate`
  std::string chain;        // empty: intermediates only from `certificate`
  std::string key_password; // for an encrypted PEM key; never prompts
};

// The leaf is the certificate whose public key matches the private key, wherever it is in the
// file; the other certificates become the chain, ordered from the leaf up to (not including) a
// self-signed root, which clients already hold.
Result<CertificateBundle> loadPem(const PemFiles& files,
                                  std::chrono::system_clock::time_point now =
                                      std::chrono::system_clock::now());

// PKCS#12 as exported by Windows/IIS/Exchange. Old exports encrypted with RC2/3DES-SHA1 are read
// by loading OpenSSL's legacy provider on demand.
Result<CertificateBundle> loadPfx(const std::string& path, const std::string& password,
                                  std::chrono::system_clock::time_point now =
                                      std::chrono::system_clock::now());

// Validity warnings for `leaf` at `now` (expired, not yet valid), naming `source`.
std::vector<std::string> validityWarnings(X509* leaf, const std::string& source,
                                          std::chrono::system_clock::time_point now);

}  // namespace vlb::l7::tls
