// A self-signed ECDSA P-256 certificate for an HTTPS service that has none configured, so the
// service comes up (clients will warn) and `show certificates` flags it as generated.
#pragma once

#include <chrono>
#include <string>

#include "l7/tls/certificate.h"
#include "mgmt/common/result.h"

namespace vlb::l7::tls {

// CN and DNS subjectAltName = `host_name` (an IP literal becomes an IP SAN instead); valid from
// one hour before `now` for `days` days; random 128-bit serial; flagged `generated`.
Result<CertificateBundle> generateSelfSigned(const std::string& host_name, int days = 825,
                                             std::chrono::system_clock::time_point now =
                                                 std::chrono::system_clock::now());

// The same with a key of the caller's (RSA or ECDSA), e.g. for an RSA fallback or benchmarks.
Result<CertificateBundle> generateSelfSigned(const std::string& host_name, EvpPkeyPtr key,
                                             int days = 825,
                                             std::chrono::system_clock::time_point now =
                                                 std::chrono::system_clock::now());

// A fresh key: ECDSA on `curve` ("P-256", "P-384") or RSA of `rsa_bits` when curve is empty.
Result<EvpPkeyPtr> generateKey(const std::string& curve, int rsa_bits = 2048);

}  // namespace vlb::l7::tls
