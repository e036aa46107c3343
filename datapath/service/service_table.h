// Which L4 virtual service a packet is for: (VIP, protocol, destination port) → service index.
// Built by the control thread from the configuration, immutable afterwards, published to the
// datapath lcores like the FIB. Lookups allocate nothing and take no lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vlb::dp {

struct ServiceKey {
  uint32_t vip;  // host order
  uint8_t protocol;
  uint16_t port_first, port_last;  // one port when equal
  uint16_t service;                // what a match returns
};

class ServiceTable {
 public:
  static constexpr uint16_t kNone = 0xffff;

  // Keys must not overlap (the configuration refuses that); a later overlapping key loses.
  explicit ServiceTable(const std::vector<ServiceKey>& keys);

  uint16_t lookup(uint32_t vip, uint8_t protocol, uint16_t port) const;

  // Whether any service listens on `vip` (for any protocol and port).
  bool isVip(uint32_t vip) const;

  size_t size() const { return count_; }

 private:
  struct Exact {
    uint64_t key = 0;  // vip << 24 | protocol << 16 | port; 0 is never a valid key
    uint16_t service = kNone;
  };
  struct Range {
    uint32_t vip;
    uint8_t protocol;
    uint16_t first, last, service;
  };

  static uint64_t pack(uint32_t vip, uint8_t protocol, uint16_t port) {
    return uint64_t(vip) << 24 | uint64_t(protocol) << 16 | port;
  }
  size_t slot(uint64_t key) const;

  std::vector<Exact> exact_;   // open addressing, power-of-two size, at most half full
  std::vector<Range> ranges_;  // sorted by (vip, protocol, first)
  std::vector<uint32_t> vips_;  // sorted, unique
  size_t count_ = 0;
};

}  // namespace vlb::dp
