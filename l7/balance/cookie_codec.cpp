// HMAC-SHA256 persistence cookies (OpenSSL EVP_MAC).
#include "l7/balance/cookie_codec.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "l7/balance/base64url.h"

namespace vlb::l7::balance {

namespace {

constexpr std::string_view kDomain = "vlb-persist-v1";
constexpr uint8_t kVersion = 1;

void putBe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

uint32_t getBe32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

}  // namespace

Result<CookieCodec::Key> CookieCodec::makeKey(std::string_view secret, std::string_view what) {
  if (secret.size() < kMinSecretBytes)
    return fail("persistence cookie " + std::string(what) + ": " + std::to_string(secret.size()) +
                " bytes is too short (at least " + std::to_string(kMinSecretBytes) + ")");
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) return fail("persistence cookie: OpenSSL has no HMAC");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(hmac));
  EVP_MAC_free(hmac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                           secret.size(), params) != 1)
    return fail("persistence cookie: cannot key HMAC-SHA256");
  static std::atomic<uint64_t> next_generation{1};
  Key key;
  key.generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  key.keyed = std::shared_ptr<const evp_mac_ctx_st>(ctx.release(), [](const evp_mac_ctx_st* c) {
    EVP_MAC_CTX_free(const_cast<EVP_MAC_CTX*>(c));
  });
  return key;
}

Result<CookieCodec> CookieCodec::create(std::string_view secret, std::string_view previous_secret) {
  auto current = makeKey(secret, "secret");
  if (!current) return fail(current.error());
  CookieCodec codec;
  codec.current_ = std::move(*current);
  if (!previous_secret.empty()) {
    auto previous = makeKey(previous_secret, "previous secret");
    if (!previous) return fail(previous.error());
    codec.previous_ = std::move(*previous);
  }
  return codec;
}

// Each thread keeps its own copies of the keyed contexts it used last (two: current and previous
// secret) and re-arms one per MAC (EVP_MAC_init without a key keeps the key), so no key schedule
// is copied per cookie.
EVP_MAC_CTX* CookieCodec::threadContext(const Key& key) {
  struct Cached {
    uint64_t generation = 0;
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx;
  };
  thread_local std::array<Cached, 2> cache;
  thread_local size_t next_victim = 0;
  for (Cached& c : cache) {
    if (c.generation == key.generation && c.ctx)
      return EVP_MAC_init(c.ctx.get(), nullptr, 0, nullptr) == 1 ? c.ctx.get() : nullptr;
  }
  Cached& slot = cache[next_victim];
  next_victim = (next_victim + 1) % cache.size();
  slot.ctx.reset(EVP_MAC_CTX_dup(const_cast<EVP_MAC_CTX*>(key.keyed.get())));
  slot.generation = slot.ctx ? key.generation : 0;
  return slot.ctx.get();
}

bool CookieCodec::mac(const Key& key, std::string_view service_id, const uint8_t* payload,
                      uint8_t* out) {
  EVP_MAC_CTX* ctx = threadContext(key);
  if (ctx == nullptr) return false;
  std::array<uint8_t, 4> len{};
  putBe32(len.data(), uint32_t(service_id.size()));
  std::array<uint8_t, 32> full{};
  size_t full_len = 0;
  const bool ok = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(kDomain.data()),
                                 kDomain.size()) == 1 &&
                  EVP_MAC_update(ctx, len.data(), len.size()) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(service_id.data()),
                                 service_id.size()) == 1 &&
                  EVP_MAC_update(ctx, payload, kPayloadBytes) == 1 &&
                  EVP_MAC_final(ctx, full.data(), &full_len, full.size()) == 1 && full_len == 32;
  if (!ok) return false;
  std::copy_n(full.begin(), kMacBytes, out);
  return true;
}

std::string CookieCodec::encode(std::string_view service_id, CookieClaim claim) const {
  std::array<uint8_t, kPayloadBytes + kMacBytes> raw{};
  raw[0] = kVersion;
  putBe32(&raw[1], claim.real_id);
  putBe32(&raw[5], claim.expiry);
  if (!mac(current_, service_id, raw.data(), raw.data() + kPayloadBytes)) return {};
  std::string out;
  out.reserve(kValueChars);
  base64urlEncode(raw, out);
  return out;
}

std::optional<CookieClaim> CookieCodec::verify(std::string_view value, std::string_view service_id,
                                               int64_t now_unix) const {
  std::array<uint8_t, kPayloadBytes + kMacBytes> raw{};
  if (!base64urlDecode(value, raw)) return std::nullopt;
  if (raw[0] != kVersion) return std::nullopt;
  auto genuine = [&](const Key& key) {
    std::array<uint8_t, kMacBytes> expected{};
    return mac(key, service_id, raw.data(), expected.data()) &&
           CRYPTO_memcmp(expected.data(), raw.data() + kPayloadBytes, kMacBytes) == 0;
  };
  CookieClaim claim{getBe32(&raw[1]), getBe32(&raw[5]), false};
  if (!genuine(current_)) {
    if (!previous_ || !genuine(*previous_)) return std::nullopt;
    claim.previous_secret = true;
  }
  if (claim.expiry != 0 && now_unix > int64_t(claim.expiry)) return std::nullopt;
  return claim;
}

}  // namespace vlb::l7::balance
