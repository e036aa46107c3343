// Ticket key generation, rotation and the OpenSSL ticket key callback.
#include "l7/tls/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace vlb::l7::tls {
namespace {

int ringIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool initCrypto(const TicketKeyRing::Key& key, unsigned char* iv, EVP_CIPHER_CTX* cctx,
                EVP_MAC_CTX* hctx, bool encrypt) {
  auto* hmac_key = const_cast<unsigned char*>(key.hmac_key.data());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, hmac_key, key.hmac_key.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(hctx, params) != 1) return false;
  return encrypt ? EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, key.aes_key.data(), iv) == 1
                 : EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, key.aes_key.data(), iv) == 1;
}

// OpenSSL's contract: encrypting, 1 = ticket made, -1 = error; decrypting, 0 = unknown key (full
// handshake), 1 = accepted, 2 = accepted and issue a new ticket, -1 = error.
int ticketKeyCallback(SSL* ssl, unsigned char key_name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
                      EVP_CIPHER_CTX* cctx, EVP_MAC_CTX* hctx, int enc) {
  const auto* ring =
      static_cast<const TicketKeyRing*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ringIndex()));
  if (ring == nullptr) return enc ? -1 : 0;
  TicketKeyRing::Key key;
  if (enc) {
    key = ring->current();
    bool ok = RAND_bytes(iv, 16) == 1 && initCrypto(key, iv, cctx, hctx, true);
    if (ok) std::memcpy(key_name, key.name.data(), key.name.size());
    OPENSSL_cleanse(&key, sizeof key);
    return ok ? 1 : -1;
  }
  bool is_current = false;
  if (!ring->find(key_name, key, is_current)) return 0;
  bool ok = initCrypto(key, iv, cctx, hctx, false);
  OPENSSL_cleanse(&key, sizeof key);
  if (!ok) return -1;
  return is_current ? 1 : 2;
}

}  // namespace

TicketKeyRing::Key TicketKeyRing::freshKey() {
  Key key;
  if (RAND_bytes(key.name.data(), key.name.size()) != 1 ||
      RAND_bytes(key.aes_key.data(), key.aes_key.size()) != 1 ||
      RAND_bytes(key.hmac_key.data(), key.hmac_key.size()) != 1) {
    std::abort();  // no randomness: predictable ticket keys would expose every session
  }
  return key;
}

TicketKeyRing::TicketKeyRing(std::chrono::seconds period, Clock::time_point now)
    : period_(period.count() > 0 ? period : std::chrono::hours(1)),
      current_(freshKey()),
      previous_(),
      last_rotation_(now) {}

TicketKeyRing::~TicketKeyRing() {
  OPENSSL_cleanse(&current_, sizeof current_);
  OPENSSL_cleanse(&previous_, sizeof previous_);
}

int TicketKeyRing::rotate(Clock::time_point now) {
  std::unique_lock lock(mutex_);
  int done = 0;
  while (done < 2 && now - last_rotation_ >= period_) {
    previous_ = current_;
    has_previous_ = true;
    current_ = freshKey();
    last_rotation_ += period_;
    ++rotations_;
    ++done;
  }
  if (now - last_rotation_ >= period_) last_rotation_ = now;  // long gap: restart the schedule
  return done;
}

void TicketKeyRing::forceRotate(Clock::time_point now) {
  std::unique_lock lock(mutex_);
  previous_ = current_;
  has_previous_ = true;
  current_ = freshKey();
  last_rotation_ = now;
  ++rotations_;
}

uint64_t TicketKeyRing::rotations() const {
  std::shared_lock lock(mutex_);
  return rotations_;
}

TicketKeyRing::Key TicketKeyRing::current() const {
  std::shared_lock lock(mutex_);
  return current_;
}

bool TicketKeyRing::find(const unsigned char* name, Key& out, bool& is_current) const {
  std::shared_lock lock(mutex_);
  if (std::memcmp(name, current_.name.data(), current_.name.size()) == 0) {
    out = current_;
    is_current = true;
    return true;
  }
  if (has_previous_ && std::memcmp(name, previous_.name.data(), previous_.name.size()) == 0) {
    out = previous_;
    is_current = false;
    return true;
  }
  return false;
}

void TicketKeyRing::install(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, ringIndex(), this);
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticketKeyCallback);
  SSL_CTX_set_timeout(ctx, static_cast<long>(2 * period_.count()));
}

}  // namespace vlb::l7::tls
