// Source-IP persistence: which real a client prefix of a service was sent to, so that its next
// connections go there too while the real takes new flows. Refreshed by every new connection;
// forgotten `timeout` after the last one. One table per datapath lcore: with several lcores, a
// client is held per lcore (exact with one lcore, or with RSS on the source address).
// Open addressing with at most kProbe slots per key; when they are all live, the one closest to
// expiry is replaced (persistence is a cache: the worst case is a fresh scheduling decision).
#pragma once

#include <cstdint>
#include <memory>

namespace vlb::dp::l4 {

class PersistenceTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kProbe = 16;

  explicit PersistenceTable(uint32_t slots_log2 = 16)
      : mask_((1u << slots_log2) - 1), slots_(new Slot[mask_ + 1]()) {}

  uint32_t find(uint16_t service, uint32_t prefix, uint32_t now) const {
    const uint32_t h = hash(service, prefix);
    for (uint32_t i = 0; i < kProbe; ++i) {
      const Slot& s = slots_[(h + i) & mask_];
      if (s.live(now) && s.service == service && s.prefix == prefix) return s.real;
    }
    return kNone;
  }

  void remember(uint16_t service, uint32_t prefix, uint32_t real, uint32_t expires, uint32_t now) {
    const uint32_t h = hash(service, prefix);
    Slot* target = nullptr;
    for (uint32_t i = 0; i < kProbe; ++i) {
      Slot& s = slots_[(h + i) & mask_];
      if (s.live(now) && s.service == service && s.prefix == prefix) {
        target = &s;  // the client's own entry
        break;
      }
      if (!target || (target->live(now) && (!s.live(now) || int32_t(s.expires - target->expires) < 0)))
        target = &s;  // else the first free one, else the one closest to expiry
    }
    *target = Slot{prefix, expires, uint16_t(real), service, true};
  }

 private:
  struct Slot {
    uint32_t prefix = 0, expires = 0;
    uint16_t real = 0, service = 0;
    bool used = false;
    bool live(uint32_t now) const { return used && int32_t(expires - now) > 0; }
  };
  static uint32_t hash(uint16_t service, uint32_t prefix) {
    uint32_t h = prefix * 0x9e3779b1u ^ (uint32_t(service) * 0x85ebca6bu);
    return h ^ (h >> 15);
  }
  uint32_t mask_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace vlb::dp::l4
