#include "datapath/flow/snat_ports.h"

#include <bit>
#include <new>

#include "datapath/flow/flow_key.h"

namespace vlb::dp::flow {
namespace {

constexpr uint32_t kProtocols = 3;

int protoIndex(uint8_t proto) {
  switch (proto) {
    case kIpProtoTcp:
      return 0;
    case kIpProtoUdp:
      return 1;
    case kIpProtoIcmp:
      return 2;
    default:
      return -1;
  }
}

uint64_t mix(uint64_t x) {
  x *= 0x9e3779b97f4a7c15ull;
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ull;
  return x ^ (x >> 29);
}

uint32_t wordsFor(uint32_t bits) { return (bits + 63) / 64; }

}  // namespace

PortRange lcorePortRange(uint32_t lcore, uint32_t lcores) {
  if (lcores == 0 || lcores > kSnatPortCount || lcore >= lcores) return PortRange{1, 0};  // empty
  // Boundaries rounded up, so that ownerLcore's rounding down maps every port back to its lcore.
  auto boundary = [lcores](uint64_t i) { return (i * kSnatPortCount + lcores - 1) / lcores; };
  return PortRange{uint16_t(kSnatFirstPort + boundary(lcore)),
                   uint16_t(kSnatFirstPort + boundary(lcore + 1) - 1)};
}

size_t SnatPortAllocator::bytesFor(const SnatPortAllocatorConfig& c) {
  const uint32_t words = wordsFor(lcorePortRange(c.lcore, c.lcores).size());
  const size_t bitmaps = size_t(c.max_addresses) * kProtocols * c.groups;
  const size_t hash = std::bit_ceil(2u * c.max_addresses);
  return bitmaps * (8 * (words + wordsFor(words)) + sizeof(Cursor)) + size_t(c.max_addresses) * 8 +
         hash * sizeof(int16_t);
}

std::unique_ptr<SnatPortAllocator> SnatPortAllocator::create(const SnatPortAllocatorConfig& c) {
  if (lcorePortRange(c.lcore, c.lcores).size() == 0 || c.max_addresses == 0 ||
      c.max_addresses > 16384 || c.groups == 0) {
    return nullptr;
  }
  std::unique_ptr<SnatPortAllocator> a(new (std::nothrow) SnatPortAllocator(c));
  if (!a || !a->bits_ || !a->full_ || !a->cursors_ || !a->addrs_ || !a->held_ || !a->hash_) {
    return nullptr;
  }
  return a;
}

SnatPortAllocator::SnatPortAllocator(const SnatPortAllocatorConfig& c)
    : config_(c),
      range_(lcorePortRange(c.lcore, c.lcores)),
      words_(wordsFor(range_.size())),
      summary_(wordsFor(words_)),
      hash_mask_(std::bit_ceil(2u * c.max_addresses) - 1) {
  const size_t bitmaps = size_t(c.max_addresses) * kProtocols * c.groups;
  bits_.reset(new (std::nothrow) uint64_t[bitmaps * words_]);
  full_.reset(new (std::nothrow) uint64_t[bitmaps * summary_]);
  cursors_.reset(new (std::nothrow) Cursor[bitmaps]);
  addrs_.reset(new (std::nothrow) uint32_t[c.max_addresses]);
  held_.reset(new (std::nothrow) uint32_t[c.max_addresses]);
  hash_.reset(new (std::nothrow) int16_t[hash_mask_ + 1]);
  if (!bits_ || !full_ || !cursors_ || !addrs_ || !held_ || !hash_) return;
  // Bits past the range are set for good, and so are summary bits past the last word.
  const uint32_t tail = range_.size() % 64;
  const uint32_t words_tail = words_ % 64;
  for (size_t m = 0; m < bitmaps; ++m) {
    for (uint32_t w = 0; w < words_; ++w) bits_[m * words_ + w] = 0;
    if (tail) bits_[m * words_ + words_ - 1] = ~0ull << tail;
    for (uint32_t s = 0; s < summary_; ++s) full_[m * summary_ + s] = 0;
    if (words_tail) full_[m * summary_ + summary_ - 1] = ~0ull << words_tail;
    cursors_[m] = Cursor{0, 0};
  }
  for (uint32_t i = 0; i < c.max_addresses; ++i) addrs_[i] = held_[i] = 0;
  for (uint32_t i = 0; i <= hash_mask_; ++i) hash_[i] = -1;
}

void SnatPortAllocator::rebuildAddressHash() {
  for (uint32_t i = 0; i <= hash_mask_; ++i) hash_[i] = -1;
  for (uint16_t s = 0; s < address_count_; ++s) {
    uint32_t i = uint32_t(mix(addrs_[s]) >> 32) & hash_mask_;
    while (hash_[i] >= 0) i = (i + 1) & hash_mask_;
    hash_[i] = int16_t(s);
  }
}

int SnatPortAllocator::addressSlot(uint32_t addr, bool add) {
  uint32_t i = uint32_t(mix(addr) >> 32) & hash_mask_;
  for (; hash_[i] >= 0; i = (i + 1) & hash_mask_) {  // at most half full: ends at an empty slot
    if (addrs_[hash_[i]] == addr) return hash_[i];
  }
  if (!add) return -1;
  if (address_count_ < config_.max_addresses) {
    const int s = address_count_++;
    addrs_[s] = addr;
    hash_[i] = int16_t(s);
    return s;
  }
  for (uint16_t s = 0; s < address_count_; ++s) {  // all taken: reuse an idle one (rare)
    if (held_[s] == 0) {
      addrs_[s] = addr;
      rebuildAddressHash();
      return s;
    }
  }
  return -1;
}

int64_t SnatPortAllocator::bitmapId(uint32_t snat_addr, uint8_t proto, uint32_t real_addr,
                                    uint16_t real_port, bool add) {
  const int p = protoIndex(proto);
  if (p < 0) return -1;
  const int slot = addressSlot(snat_addr, add);
  if (slot < 0) return -1;
  // Not a hash: reals numbered consecutively (by address or by port) get different groups.
  const uint64_t group = (uint64_t(real_addr) + real_port) % config_.groups;
  return int64_t((uint64_t(slot) * kProtocols + uint64_t(p)) * config_.groups + group);
}

// Next-fit: the first free bit at or after the cursor, wrapping around. -1 when the bitmap is full.
int64_t SnatPortAllocator::takeBit(uint64_t id) {
  Cursor& c = cursors_[id];
  if (c.used == range_.size()) return -1;
  uint64_t* bits = &bits_[id * words_];
  uint64_t* full = &full_[id * summary_];
  uint32_t w = c.next_bit / 64;
  uint64_t free = ~bits[w] & (~0ull << (c.next_bit % 64));
  if (!free) {
    // The next word that is not full, from the summary; back to w itself (its low bits) last.
    const uint32_t from = w + 1 == words_ ? 0 : w + 1;
    const uint32_t s0 = from / 64;
    for (uint32_t k = 0; k <= summary_; ++k) {
      const uint32_t s = (s0 + k) % summary_;
      const uint64_t open = ~full[s] & (k == 0 ? ~0ull << (from % 64) : ~0ull);
      if (open) {
        w = s * 64 + uint32_t(__builtin_ctzll(open));
        break;
      }
    }
    free = ~bits[w];  // not full: used < size guarantees a free bit in range
  }
  const uint32_t bit = w * 64 + uint32_t(__builtin_ctzll(free));
  bits[w] |= 1ull << (bit % 64);
  if (bits[w] == ~0ull) full[w / 64] |= 1ull << (w % 64);
  ++c.used;
  c.next_bit = bit + 1 == range_.size() ? 0 : bit + 1;
  return bit;
}

uint16_t SnatPortAllocator::allocate(uint32_t snat_addr, uint8_t proto, uint32_t real_addr,
                                     uint16_t real_port) {
  const int64_t id = bitmapId(snat_addr, proto, real_addr, real_port, true);
  if (id < 0) return kNone;
  const int64_t bit = takeBit(uint64_t(id));
  if (bit < 0) return kNone;
  ++held_[uint64_t(id) / (kProtocols * config_.groups)];
  ++in_use_;
  return uint16_t(range_.first + bit);
}

bool SnatPortAllocator::release(uint32_t snat_addr, uint8_t proto, uint32_t real_addr,
                                uint16_t real_port, uint16_t port) {
  const int64_t id = bitmapId(snat_addr, proto, real_addr, real_port, false);
  if (id < 0 || port < range_.first || port > range_.last) return false;
  const uint32_t bit = port - range_.first;
  uint64_t& word = bits_[uint64_t(id) * words_ + bit / 64];
  const uint64_t mask = 1ull << (bit % 64);
  if (!(word & mask)) return false;
  word &= ~mask;
  full_[uint64_t(id) * summary_ + bit / 4096] &= ~(1ull << (bit / 64 % 64));
  --cursors_[id].used;
  --held_[uint64_t(id) / (kProtocols * config_.groups)];
  --in_use_;
  return true;
}

}  // namespace vlb::dp::flow
