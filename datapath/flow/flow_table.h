// Per-lcore connection tracking: a fixed-capacity table of flow entries, two per connection (one
// per direction, each pointing at the other). No locks (one owner lcore), no allocation after
// create(), no exceptions, nothing printed.
//
// Layout. Entries live in one array and never move, so an entry's slot index is a stable handle
// (the peer link, the caller's reference). A separate index finds them: power-of-two buckets of 8
// slots, one cache line each, holding a 32-bit signature (the hash's high half) and the entry's
// slot. A key may sit in its primary bucket (low bits of the hash) or in an alternate bucket
// derived from the primary and the signature alone (bucketed cuckoo hashing), so residents can be
// moved between their two buckets without reading their entries. Lookup: 1-2 index lines + 1 entry
// (44 bytes). The index is sized so that at most 7 of 8 slots are used when the table is full; with
// moves up to two levels deep an insert practically never fails on the index before the entries run
// out.
//
// Memory: 44 bytes per entry + 64 bytes per bucket; per direction < 44 + 64 * 4/7 / 2 = 62.3 bytes
// in the worst case of power-of-two rounding (bytesFor()). Both arrays are mapped once, advised for
// transparent huge pages (a TLB miss per lookup otherwise), and written through at create().
//
// Full table: insert fails and the caller counts it; nothing is ever evicted, so a SYN flood cannot
// push out established flows. Half-open (SYN_SENT/SYN_RECV) connections are also capped (default:
// half the capacity) so that a flood leaves room for UDP flows and mid-stream pickups; they leave
// only through their short timeout.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "datapath/flow/flow_entry.h"
#include "datapath/flow/timeouts.h"

namespace vlb::dp::flow {

struct FlowTableConfig {
  uint32_t connections = 0;      // capacity, 1 .. 2^30; each connection takes two entries
  uint32_t embryonic_limit = 0;  // most half-open TCP connections; 0: connections / 2
  uint64_t seed = 0;             // hash seed; differs per boot in production
};

enum class InsertStatus : uint8_t {
  kOk,
  kExists,          // a key of either direction is already in the table
  kTableFull,       // no free entries
  kIndexFull,       // both buckets of a key and their neighbours are full (should be very rare)
  kEmbryonicLimit,  // too many half-open connections
};

struct InsertResult {
  InsertStatus status;
  uint32_t original;  // entry slots when kOk
  uint32_t reply;
};

struct SweepResult {
  uint32_t examined;  // entry slots looked at, at most the budget
  uint32_t expired;   // connections removed
};

class FlowTable {
 public:
  static constexpr uint32_t kNoEntry = UINT32_MAX;
  static constexpr uint32_t kMaxConnections = 1u << 30;

  // nullptr when the config is out of range or memory is short. All memory is written here.
  static std::unique_ptr<FlowTable> create(const FlowTableConfig& config);
  // The bytes create() allocates for `connections`.
  static size_t bytesFor(uint32_t connections);

  // The entry slot of `key`, or kNoEntry.
  uint32_t lookup(const FlowKey& key) const { return lookupHashed(key, flowHash(key, seed_)); }
  // lookup() of n keys with the index lines and entries prefetched ahead (for a burst).
  void lookupBatch(const FlowKey* keys, size_t n, uint32_t* out) const;

  FlowEntry& entry(uint32_t slot) { return entries_[slot]; }
  const FlowEntry& entry(uint32_t slot) const { return entries_[slot]; }

  // Both directions or neither; last_seen = now for both.
  InsertResult insert(const NewConnection& c, uint32_t now);
  // Removes the connection that `slot` belongs to: both directions. Nothing for a free slot or
  // kNoEntry.
  void erase(uint32_t slot);

  void touch(uint32_t slot, uint32_t now) { entries_[slot].last_seen = now; }
  // Sets the state of both directions.
  void setTcpState(uint32_t slot, TcpState s);
  // A TCP packet seen on entry `slot`: touches it and moves the connection's state.
  TcpState trackTcp(uint32_t slot, uint8_t tcp_flags, uint32_t now) {
    FlowEntry& e = entries_[slot];
    e.last_seen = now;
    const TcpState next = nextState(e.tcp_state, tcp_flags, e.dir(), e.tcpProfile());
    if (next != e.tcp_state) setTcpState(slot, next);
    return next;
  }

  // Looks at up to `budget` entry slots from where the previous call stopped (wrapping around) and
  // removes each connection idle in both directions for at least timeout(entry) ticks, after
  // calling on_expired(original, reply) so that the caller can release its counters and, with
  // kFlowSnat, the port: release(o.rewrite.src, o.key.proto, o.rewrite.dst, .dport, .sport).
  template <class TimeoutFn, class ExpiredFn>
  SweepResult expireWith(uint32_t now, uint32_t budget, TimeoutFn&& timeout,
                         ExpiredFn&& on_expired);
  // The same with one timeout profile for every connection.
  template <class ExpiredFn>
  SweepResult expire(uint32_t now, uint32_t budget, const TimeoutProfile& p,
                     ExpiredFn&& on_expired) {
    return expireWith(
        now, budget, [&p](const FlowEntry& e) { return timeoutFor(p, e.key.proto, e.tcp_state); },
        on_expired);
  }

  // These two may be read from any thread (for `show`); the rest belongs to the owner lcore.
  uint32_t connections() const { return connections_.get(); }
  uint32_t capacity() const { return capacity_; }
  uint32_t embryonic() const { return embryonic_.get(); }
  uint32_t entrySlots() const { return 2 * capacity_; }
  uint32_t sweepCursor() const { return cursor_; }
  size_t memoryBytes() const { return bytesFor(capacity_); }
  // Diagnostics and tests (not for the datapath): the two buckets a key may sit in, and the index
  // slots in use (a full scan; always 2 * connections()).
  std::pair<uint32_t, uint32_t> bucketsOf(const FlowKey& key) const {
    const uint64_t h = flowHash(key, seed_);
    const uint32_t b = uint32_t(h) & bucket_mask_;
    return {b, altBucket(b, uint32_t(h >> 32))};
  }
  size_t indexSlotsUsed() const;

 private:
  static constexpr int kSlots = 8;
  struct alignas(64) Bucket {
    uint32_t sig[kSlots];
    uint32_t slot[kSlots];  // entry slot, kNoEntry when empty
  };
  static_assert(sizeof(Bucket) == 64);

  explicit FlowTable(const FlowTableConfig& config);
  static uint32_t bucketsFor(uint32_t connections);

  uint32_t altBucket(uint32_t b, uint32_t sig) const {
    return (b ^ ((sig * 0x5bd1e995u) | 1u)) & bucket_mask_;
  }
  uint32_t findIn(const Bucket& bk, const FlowKey& key, uint32_t sig) const {
    uint32_t match = 0;
    for (int s = 0; s < kSlots; ++s) match |= uint32_t(bk.sig[s] == sig) << s;
    for (; match; match &= match - 1) {
      const uint32_t slot = bk.slot[__builtin_ctz(match)];
      if (slot != kNoEntry && entries_[slot].key == key) return slot;
    }
    return kNoEntry;
  }
  uint32_t lookupHashed(const FlowKey& key, uint64_t h) const {
    const uint32_t sig = uint32_t(h >> 32);
    const uint32_t b = uint32_t(h) & bucket_mask_;
    const uint32_t slot = findIn(buckets_[b], key, sig);
    return slot != kNoEntry ? slot : findIn(buckets_[altBucket(b, sig)], key, sig);
  }
  bool placeIndex(uint64_t h, uint32_t slot);
  int makeRoom(uint32_t b, int depth);
  void removeIndex(uint64_t h, uint32_t slot);
  void fill(uint32_t slot, const FlowDirection& d, const NewConnection& c, uint32_t peer,
            uint8_t flags, uint32_t now);
  bool countsAsEmbryonic(const FlowEntry& e) const {
    return e.key.proto == kIpProtoTcp && isEmbryonic(e.tcp_state);
  }

  // Written by the owner lcore only, read by any thread: relaxed loads and stores, no RMW.
  class Gauge {
   public:
    uint32_t get() const { return v_.load(std::memory_order_relaxed); }
    void add(int32_t d) { v_.store(uint32_t(get() + d), std::memory_order_relaxed); }

   private:
    std::atomic<uint32_t> v_{0};
  };
  struct MapDeleter {
    size_t bytes;
    static void* map(size_t bytes, size_t& mapped);
    void operator()(void* p) const;
  };

  std::unique_ptr<Bucket[], MapDeleter> buckets_;
  std::unique_ptr<FlowEntry[], MapDeleter> entries_;
  uint64_t seed_;
  uint32_t bucket_mask_;
  uint32_t capacity_;
  uint32_t embryonic_limit_;
  Gauge connections_;
  Gauge embryonic_;
  uint32_t free_head_ = kNoEntry;
  uint32_t cursor_ = 0;
};

template <class TimeoutFn, class ExpiredFn>
SweepResult FlowTable::expireWith(uint32_t now, uint32_t budget, TimeoutFn&& timeout,
                                  ExpiredFn&& on_expired) {
  SweepResult r{0, 0};
  const uint32_t slots = entrySlots();
  for (; r.examined < budget && r.examined < slots; ++r.examined) {
    const uint32_t slot = cursor_;
    cursor_ = slot + 1 == slots ? 0 : slot + 1;
    const FlowEntry& e = entries_[slot];
    if (!e.inUse()) continue;
    const uint32_t limit = timeout(e);
    if (!idleFor(e.last_seen, now, limit)) continue;
    const FlowEntry& peer = entries_[e.peer];  // read only for candidates: rare
    if (!idleFor(peer.last_seen, now, limit)) {
      entries_[slot].last_seen = peer.last_seen;  // a one-way flow: skip the peer next lap
      continue;
    }
    if (e.dir() == FlowDir::kOriginal) {
      on_expired(e, peer);
    } else {
      on_expired(peer, e);
    }
    erase(slot);
    ++r.expired;
  }
  return r;
}

}  // namespace vlb::dp::flow
