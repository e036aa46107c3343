// IP fragments of translated flows: the first fragment (which holds the L4 header) is translated
// like any packet, and its decision is remembered by (source, destination, IP id, protocol), so
// that the later fragments of the same datagram get the same new addresses. A later fragment
// that arrives before its first one is dropped and counted (`fragment_unknown`); the sender's
// retransmission repairs it. Direct-mapped, fixed size, entries live 2 s: no allocation per packet.
#pragma once

#include <cstdint>
#include <memory>

#include "datapath/nat/nat_rewrite.h"
#include "datapath/packet/bytes.h"

namespace vlb::dp::l4 {

class FragmentTable {
 public:
  static constexpr uint32_t kSlots = 4096;
  static constexpr uint32_t kLifetimeTicks = 2000;  // 2 s in milliseconds

  FragmentTable() : slots_(new Slot[kSlots]()) {}

  void remember(const uint8_t* ip, const NatTuple& to, uint32_t now) {
    Slot& s = slots_[index(ip)];
    s.key = keyOf(ip);
    s.src = to.src_addr;
    s.dst = to.dst_addr;
    s.expires = now + kLifetimeTicks;
    s.used = true;
  }

  // The new addresses for a later fragment, or false when its first fragment was not seen.
  bool find(const uint8_t* ip, uint32_t now, NatTuple* to) const {
    const Slot& s = slots_[index(ip)];
    if (!s.used || s.key != keyOf(ip) || int32_t(s.expires - now) < 0) return false;
    *to = {s.src, s.dst, 0, 0};
    return true;
  }

 private:
  struct Key {
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    bool operator!=(const Key& o) const { return src != o.src || dst != o.dst || id != o.id || proto != o.proto; }
  };
  struct Slot {
    Key key{};
    uint32_t src = 0, dst = 0, expires = 0;
    bool used = false;
  };
  static Key keyOf(const uint8_t* ip) {
    return {load32(ip + 12), load32(ip + 16), load16(ip + 4), ip[9]};
  }
  static uint32_t index(const uint8_t* ip) {
    const Key k = keyOf(ip);
    uint32_t h = k.src * 0x9e3779b1u ^ k.dst * 0x85ebca6bu ^ (uint32_t(k.id) << 8 | k.proto) * 0xc2b2ae35u;
    return (h ^ (h >> 16)) % kSlots;
  }
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace vlb::dp::l4
