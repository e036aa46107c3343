// TicketKeyRing: the keys that encrypt TLS session tickets, shared by every worker thread and
// every SSL_CTX it is installed on. New tickets use the current key; tickets made with the previous
// key still decrypt (and are re-issued under the current one), so a ticket lives between one and
// two rotation periods. Rotation happens only when the owner calls rotate(now), so tests drive it
// with their own clock and vlbd from its control thread's timer.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <shared_mutex>

namespace vlb::l7::tls {

class TicketKeyRing {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TicketKeyRing(std::chrono::seconds period = std::chrono::hours(1),
                         Clock::time_point now = Clock::now());
  ~TicketKeyRing();
  TicketKeyRing(const TicketKeyRing&) = delete;
  TicketKeyRing& operator=(const TicketKeyRing&) = delete;

  // Rotates if a period has passed since the last rotation; after two or more missed periods both
  // keys are replaced. Returns how many rotations happened (0, 1 or 2).
  int rotate(Clock::time_point now);
  // Rotates at once, whatever the time (operator request, suspected key leak).
  void forceRotate(Clock::time_point now);

  std::chrono::seconds period() const { return period_; }
  uint64_t rotations() const;

  // Makes `ctx` encrypt and decrypt tickets with this ring and sets the session lifetime to two
  // periods. The ring must outlive `ctx` and every SSL made from it.
  void install(SSL_CTX* ctx);

  struct Key {
    std::array<unsigned char, 16> name;
    std::array<unsigned char, 32> aes_key;
    std::array<unsigned char, 32> hmac_key;
  };

  // For the OpenSSL callback: the current key, or the key called `name` if it is current or
  // previous. `is_current` tells the caller whether to re-issue the ticket.
  Key current() const;
  bool find(const unsigned char* name, Key& out, bool& is_current) const;

 private:
  static Key freshKey();

  const std::chrono::seconds period_;
  mutable std::shared_mutex mutex_;
  Key current_;
  Key previous_;
  bool has_previous_ = false;
  Clock::time_point last_rotation_;
  uint64_t rotations_ = 0;
};

}  // namespace vlb::l7::tls
