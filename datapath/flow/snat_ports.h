// Source ports for SNAT, per lcore. The SNAT port space 1024-32767 is cut into one contiguous range
// per datapath lcore, so the destination port of return traffic names the lcore that owns the flow
// (ownerLcore) and lcores never hand out the same port. Ports from 32768 up stay the kernel's: its
// own connections from the self IPs (health checks, the L7 proxy) use them, and vlbd reserves the
// SNAT space from the kernel's ephemeral ports (net.ipv4.ip_local_reserved_ports), so the two
// never meet on one 5-tuple.
//
// Uniqueness: a port is allocated for (SNAT address, protocol, real address, real port). Real
// endpoints fall into `groups` groups by (address + port) mod groups, so that up to `groups` reals
// numbered consecutively (by address or by port) get a group each. Each (SNAT address, protocol,
// group) has its own bitmap of the lcore's range: a port is never live twice for one real endpoint,
// so the 5-tuple real -> SNAT address:port is unique. Several reals can use up to `groups` times
// the range per SNAT address; one real alone gets the range once.
//
// Allocation is next-fit from a cursor over a two-level bitmap (a summary bit per full 64-bit
// word): O(1) amortised, at most range/4096 + 1 summary words looked at even when nearly full.
// Next-fit also delays the reuse of a freed port as long as possible, which keeps clear of the
// real's TIME_WAIT for that port.
//
// Memory per lcore: max_addresses * 3 protocols * groups * (range/8 + range/512 + 8) bytes. Summed
// over the lcores that is about max_addresses * groups * 12 KiB: 64 addresses and 16 groups take
// 12 MiB in all (bytesFor()). SNAT addresses take a slot on first use; when all slots are taken,
// a slot whose ports are all free is given to the new address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace vlb::dp::flow {

constexpr uint16_t kSnatFirstPort = 1024;
constexpr uint16_t kSnatLastPort = 32767;
constexpr uint32_t kSnatPortCount = uint32_t(kSnatLastPort) + 1 - kSnatFirstPort;

struct PortRange {
  uint16_t first;  // inclusive
  uint16_t last;   // inclusive
  uint32_t size() const { return uint32_t(last) - first + 1; }
};

// The range of lcore `lcore` of `lcores` (1 .. kSnatPortCount).
PortRange lcorePortRange(uint32_t lcore, uint32_t lcores);
// The lcore whose range holds `port`; `lcores` for a port outside the SNAT space.
inline uint32_t ownerLcore(uint16_t port, uint32_t lcores) {
  if (port < kSnatFirstPort || port > kSnatLastPort) return lcores;
  return uint32_t(uint64_t(port - kSnatFirstPort) * lcores / kSnatPortCount);
}

struct SnatPortAllocatorConfig {
  uint32_t lcore = 0;
  uint32_t lcores = 1;
  uint16_t max_addresses = 64;  // distinct SNAT addresses with live ports
  uint16_t groups = 16;         // real-endpoint groups per address and protocol
};

class SnatPortAllocator {
 public:
  static constexpr uint16_t kNone = 0;

  // nullptr when the config is out of range or memory is short. All memory is written here.
  static std::unique_ptr<SnatPortAllocator> create(const SnatPortAllocatorConfig& config);
  static size_t bytesFor(const SnatPortAllocatorConfig& config);

  // A port of this lcore's range, or kNone when the group's range is used up, the protocol is not
  // TCP, UDP or ICMP, or max_addresses other SNAT addresses hold ports. ICMP: pass real_port 0.
  uint16_t allocate(uint32_t snat_addr, uint8_t proto, uint32_t real_addr, uint16_t real_port);
  // Gives the port back (same arguments as allocate). False if it was not allocated: a caller bug.
  bool release(uint32_t snat_addr, uint8_t proto, uint32_t real_addr, uint16_t real_port,
               uint16_t port);

  PortRange range() const { return range_; }
  uint64_t inUse() const { return in_use_; }
  size_t memoryBytes() const { return bytesFor(config_); }

 private:
  struct Cursor {
    uint32_t next_bit;  // where the next search starts
    uint32_t used;
  };

  explicit SnatPortAllocator(const SnatPortAllocatorConfig& config);
  int addressSlot(uint32_t addr, bool add);
  void rebuildAddressHash();
  // Bitmap id, or -1 for an unknown protocol or address.
  int64_t bitmapId(uint32_t snat_addr, uint8_t proto, uint32_t real_addr, uint16_t real_port,
                   bool add);
  int64_t takeBit(uint64_t id);

  SnatPortAllocatorConfig config_;
  PortRange range_;
  uint32_t words_;    // 64-bit words per bitmap
  uint32_t summary_;  // summary words per bitmap
  uint32_t hash_mask_;
  uint16_t address_count_ = 0;
  uint64_t in_use_ = 0;
  std::unique_ptr<uint64_t[]> bits_;   // [bitmap][words_]; bits past the range stay set
  std::unique_ptr<uint64_t[]> full_;   // [bitmap][summary_]: word is full; past the end stay set
  std::unique_ptr<Cursor[]> cursors_;  // [bitmap]
  std::unique_ptr<uint32_t[]> addrs_;  // [slot]
  std::unique_ptr<uint32_t[]> held_;   // [slot]: live ports of that address
  std::unique_ptr<int16_t[]> hash_;    // open addressing: address -> slot, -1 empty
};

}  // namespace vlb::dp::flow
