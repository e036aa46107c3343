// Named protocol/cipher settings an operator picks per service instead of OpenSSL cipher strings.
//   modern (default): TLS 1.2 + 1.3; TLS 1.2 suites ECDHE with AES-GCM or ChaCha20-Poly1305 only.
//   compatible: also TLS 1.0/1.1, ECDHE with AES-CBC (SHA-1/SHA-2 MAC), and static-RSA key
//     exchange with AES-GCM/AES-CBC, at OpenSSL security level 0 (see README.md for the exact list).
// Both: X25519, P-256, P-384 for key exchange; server cipher order; no renegotiation; no 3DES/RC4.
#pragma once

#include <openssl/ssl.h>

#include <string_view>

#include "mgmt/common/result.h"

namespace vlb::l7::tls {

enum class CipherPreset { kModern, kCompatible };

// "modern" or "compatible"; the error names the unknown value and the known ones.
Result<CipherPreset> parseCipherPreset(std::string_view name);
const char* cipherPresetName(CipherPreset preset);

// Sets protocol versions, TLS 1.2 cipher list, TLS 1.3 suites, groups and options on `ctx`.
// `role` ("service owa", "upstream pool exch") is only used in the error message.
Status applyCipherPreset(SSL_CTX* ctx, CipherPreset preset, std::string_view role);

}  // namespace vlb::l7::tls
