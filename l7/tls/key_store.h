// The appliance's certificate store on disk: private keys as PEM with mode 0600 and certificate
// chains as PEM with mode 0644, each written atomically (temp file, fsync, rename, fsync dir) so a
// crash never leaves a half-written key. Also the PKCS#12 import that feeds it.
#pragma once

#include <string>
#include <sys/types.h>

#include "l7/tls/certificate.h"
#include "mgmt/common/result.h"

namespace vlb::l7::tls {

struct StoredCertificate {
  std::string certificate_path;  // DIR/NAME.crt: leaf then intermediates
  std::string key_path;          // DIR/NAME.key: unencrypted PKCS#8 PEM, 0600
  CertificateBundle bundle;
};

// Writes `data` to `path` with `mode` atomically; the directory must exist.
Status writeFileAtomically(const std::string& path, const std::string& data, mode_t mode);

// NAME must be a plain file name: letters, digits, '.', '-', '_' and not starting with '.'.
Status checkStoreName(const std::string& name);

// DIR/NAME.key, mode 0600. DIR is created with mode 0700 when missing.
Result<std::string> storeKey(const std::string& dir, const std::string& name, EVP_PKEY* key);

// DIR/NAME.crt, mode 0644: the leaf followed by the chain.
Result<std::string> storeCertificate(const std::string& dir, const std::string& name,
                                     const CertificateBundle& bundle);

// Reads a PFX and stores its key and certificates under DIR as NAME.key / NAME.crt. An empty
// NAME uses the PFX file's name without directory and extension ("owa.pfx" -> "owa").
Result<StoredCertificate> importPfx(const std::string& pfx_path, const std::string& password,
                                    const std::string& dir, const std::string& name = "");

}  // namespace vlb::l7::tls
