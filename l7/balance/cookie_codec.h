// The server-persistence cookie's value: opaque and tamper-proof. It says which real of which
// service served the client, never the real's address.
//
//   value = base64url( version(1) | real_id(4, big endian) | expiry(4, unix seconds, 0 = none)
//                      | HMAC-SHA256(secret, "vlb-persist-v1" | len(service) | service | those
//                        9 bytes) truncated to 16 bytes )          -> 34 characters
//
// Verification recomputes the MAC and compares in constant time; a cookie of another service,
// an edited, truncated or extended value, or an expired one is refused. While the appliance
// secret is being rotated, cookies made with the previous secret are still accepted (and flagged
// so that the caller re-issues them with the current one).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mgmt/common/result.h"

struct evp_mac_ctx_st;

namespace vlb::l7::balance {

struct CookieClaim {
  uint32_t real_id = 0;
  uint32_t expiry = 0;           // unix seconds; 0 = a session cookie without expiry
  bool previous_secret = false;  // verify(): made with the previous secret; re-issue it
};

class CookieCodec {
 public:
  static constexpr size_t kMinSecretBytes = 16;
  static constexpr size_t kValueChars = 34;

  // The per-appliance secret (random, at least kMinSecretBytes; 32 recommended) and, during a
  // rotation, the one before it (empty: none).
  static Result<CookieCodec> create(std::string_view secret, std::string_view previous_secret = {});

  std::string encode(std::string_view service_id, CookieClaim claim) const;

  // The claim when the value is genuine for this service and not expired at `now_unix`.
  std::optional<CookieClaim> verify(std::string_view value, std::string_view service_id,
                                    int64_t now_unix) const;

 private:
  static constexpr size_t kPayloadBytes = 9;
  static constexpr size_t kMacBytes = 16;

  // A keyed HMAC context, read-only: each thread MACs with its own copy of it.
  struct Key {
    std::shared_ptr<const evp_mac_ctx_st> keyed;
    uint64_t generation = 0;  // tells a thread's copy which key it is
  };
  static Result<Key> makeKey(std::string_view secret, std::string_view what);
  static evp_mac_ctx_st* threadContext(const Key& key);
  static bool mac(const Key& key, std::string_view service_id, const uint8_t* payload,
                  uint8_t* out);

  Key current_;
  std::optional<Key> previous_;
};

}  // namespace vlb::l7::balance
