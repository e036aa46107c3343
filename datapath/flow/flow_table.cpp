#include "datapath/flow/flow_table.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <new>

namespace vlb::dp::flow {

// Anonymous memory aligned to 2 MiB and advised for transparent huge pages: a table of hundreds of
// MiB would otherwise cost a TLB miss (and a page walk) on most lookups. Best effort: without THP
// it is plain memory. Up to 4 MiB more than bytesFor() is mapped per array for the alignment.
// (Under DPDK the same arrays could come from hugepage memory of the lcore's NUMA node instead.)
void* FlowTable::MapDeleter::map(size_t bytes, size_t& mapped) {
  constexpr size_t kHuge = size_t(2) << 20;
  if (bytes < kHuge) {  // a small table: a huge page would be mostly waste
    mapped = bytes;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  }
  mapped = (bytes + 2 * kHuge - 1) / kHuge * kHuge;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const uintptr_t base = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (base + kHuge - 1) & ~(kHuge - 1);
  if (aligned > base) munmap(p, aligned - base);  // keep [aligned, end)
  mapped -= aligned - base;
  madvise(reinterpret_cast<void*>(aligned), mapped, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void FlowTable::MapDeleter::operator()(void* p) const {
  if (p) munmap(p, bytes);
}

uint32_t FlowTable::bucketsFor(uint32_t connections) {
  const uint64_t entries = 2ull * connections;
  // At most 7 of 8 slots used when the table is full.
  const uint64_t need = (entries + kSlots - 2) / (kSlots - 1);
  return uint32_t(std::bit_ceil(std::max<uint64_t>(need, 1)));
}

size_t FlowTable::bytesFor(uint32_t connections) {
  return size_t(2) * connections * sizeof(FlowEntry) +
         size_t(bucketsFor(connections)) * sizeof(Bucket);
}

std::unique_ptr<FlowTable> FlowTable::create(const FlowTableConfig& config) {
  if (config.connections == 0 || config.connections > kMaxConnections) return nullptr;
  std::unique_ptr<FlowTable> t(new (std::nothrow) FlowTable(config));
  if (!t || !t->buckets_ || !t->entries_) return nullptr;
  return t;
}

FlowTable::FlowTable(const FlowTableConfig& config)
    : seed_(config.seed),
      bucket_mask_(bucketsFor(config.connections) - 1),
      capacity_(config.connections),
      embryonic_limit_(config.embryonic_limit ? config.embryonic_limit
                                              : std::max(1u, config.connections / 2)) {
  size_t mapped = 0;
  void* b = MapDeleter::map((size_t(bucket_mask_) + 1) * sizeof(Bucket), mapped);
  buckets_ = std::unique_ptr<Bucket[], MapDeleter>(static_cast<Bucket*>(b), MapDeleter{mapped});
  void* e = MapDeleter::map(size_t(entrySlots()) * sizeof(FlowEntry), mapped);
  entries_ =
      std::unique_ptr<FlowEntry[], MapDeleter>(static_cast<FlowEntry*>(e), MapDeleter{mapped});
  if (!buckets_ || !entries_) return;
  // Writing everything now also faults the pages in, so that the datapath never takes a page fault.
  for (uint32_t i = 0; i <= bucket_mask_; ++i) {
    Bucket* bk = new (&buckets_[i]) Bucket;
    for (int s = 0; s < kSlots; ++s) {
      bk->sig[s] = 0;
      bk->slot[s] = kNoEntry;
    }
  }
  for (uint32_t i = entrySlots(); i-- > 0;) {
    new (&entries_[i]) FlowEntry{};
    entries_[i].peer = free_head_;
    free_head_ = i;
  }
}

void FlowTable::lookupBatch(const FlowKey* keys, size_t n, uint32_t* out) const {
  constexpr size_t kChunk = 32;
  uint64_t h[kChunk];
  for (size_t base = 0; base < n; base += kChunk) {
    const size_t m = std::min(kChunk, n - base);
    for (size_t i = 0; i < m; ++i) {  // stage 1: hash, prefetch the primary bucket
      h[i] = flowHash(keys[base + i], seed_);
      __builtin_prefetch(&buckets_[uint32_t(h[i]) & bucket_mask_]);
    }
    for (size_t i = 0; i < m; ++i) {  // stage 2: prefetch the first candidate entry
      const Bucket& bk = buckets_[uint32_t(h[i]) & bucket_mask_];
      const uint32_t sig = uint32_t(h[i] >> 32);
      for (int s = 0; s < kSlots; ++s) {
        if (bk.sig[s] == sig && bk.slot[s] != kNoEntry) {
          __builtin_prefetch(&entries_[bk.slot[s]]);
          break;
        }
      }
    }
    for (size_t i = 0; i < m; ++i) out[base + i] = lookupHashed(keys[base + i], h[i]);
  }
}

// A free slot in bucket b, made by moving residents to their other bucket up to `depth` levels
// deep; -1 if none. Depth <= 2 never moves a resident of the bucket that asked (it is full), so the
// recursion cannot undo its own work.
int FlowTable::makeRoom(uint32_t b, int depth) {
  Bucket& bk = buckets_[b];
  for (int s = 0; s < kSlots; ++s) {
    if (bk.slot[s] == kNoEntry) return s;
  }
  if (depth == 0) return -1;
  for (int s = 0; s < kSlots; ++s) {
    const uint32_t other = altBucket(b, bk.sig[s]);
    if (other == b) continue;
    const int free = makeRoom(other, depth - 1);
    if (free < 0) continue;
    buckets_[other].sig[free] = bk.sig[s];
    buckets_[other].slot[free] = bk.slot[s];
    bk.slot[s] = kNoEntry;
    return s;
  }
  return -1;
}

bool FlowTable::placeIndex(uint64_t h, uint32_t slot) {
  const uint32_t sig = uint32_t(h >> 32);
  const uint32_t b1 = uint32_t(h) & bucket_mask_;
  const uint32_t b2 = altBucket(b1, sig);
  // Primary first (most hits then read one index line), alternate next, then move others away.
  for (int depth = 0; depth <= 2; ++depth) {
    for (uint32_t b : {b1, b2}) {
      const int s = makeRoom(b, depth);
      if (s >= 0) {
        buckets_[b].sig[s] = sig;
        buckets_[b].slot[s] = slot;
        return true;
      }
    }
  }
  return false;
}

void FlowTable::removeIndex(uint64_t h, uint32_t slot) {
  const uint32_t sig = uint32_t(h >> 32);
  const uint32_t b1 = uint32_t(h) & bucket_mask_;
  for (uint32_t b : {b1, altBucket(b1, sig)}) {
    for (int s = 0; s < kSlots; ++s) {
      if (buckets_[b].slot[s] == slot) {
        buckets_[b].slot[s] = kNoEntry;
        buckets_[b].sig[s] = 0;
        return;
      }
    }
  }
}

void FlowTable::fill(uint32_t slot, const FlowDirection& d, const NewConnection& c, uint32_t peer,
                     uint8_t flags, uint32_t now) {
  FlowEntry& e = entries_[slot];
  e.key = d.key;
  e.rewrite = d.rewrite;
  e.service = c.service;
  e.real = c.real;
  e.peer = peer;
  e.last_seen = now;
  e.egress_port = d.egress_port;
  e.tcp_state = c.tcp_state;
  e.flags = flags;
  e.reserved = 0;
}

InsertResult FlowTable::insert(const NewConnection& c, uint32_t now) {
  InsertResult r{InsertStatus::kOk, kNoEntry, kNoEntry};
  const uint64_t ha = flowHash(c.original.key, seed_);
  const uint64_t hb = flowHash(c.reply.key, seed_);
  if (c.original.key == c.reply.key || lookupHashed(c.original.key, ha) != kNoEntry ||
      lookupHashed(c.reply.key, hb) != kNoEntry) {
    r.status = InsertStatus::kExists;
    return r;
  }
  if (connections_.get() == capacity_) {
    r.status = InsertStatus::kTableFull;
    return r;
  }
  const bool embryonic = c.original.key.proto == kIpProtoTcp && isEmbryonic(c.tcp_state);
  if (embryonic && embryonic_.get() >= embryonic_limit_) {
    r.status = InsertStatus::kEmbryonicLimit;
    return r;
  }
  // Fewer connections than capacity: at least two entries are free.
  const uint32_t a = free_head_;
  const uint32_t b = entries_[a].peer;
  if (!placeIndex(ha, a)) {
    r.status = InsertStatus::kIndexFull;
    return r;
  }
  if (!placeIndex(hb, b)) {
    removeIndex(ha, a);
    r.status = InsertStatus::kIndexFull;
    return r;
  }
  free_head_ = entries_[b].peer;
  const uint8_t flags = uint8_t((c.flags & ~kFlowReply) | kFlowInUse);
  fill(a, c.original, c, b, flags, now);
  fill(b, c.reply, c, a, uint8_t(flags | kFlowReply), now);
  connections_.add(1);
  if (embryonic) embryonic_.add(1);
  r.original = a;
  r.reply = b;
  return r;
}

void FlowTable::erase(uint32_t slot) {
  if (slot >= entrySlots() || !entries_[slot].inUse()) return;
  FlowEntry& e = entries_[slot];
  const uint32_t peer = e.peer;
  FlowEntry& p = entries_[peer];
  if (countsAsEmbryonic(e)) embryonic_.add(-1);
  removeIndex(flowHash(e.key, seed_), slot);
  removeIndex(flowHash(p.key, seed_), peer);
  e.flags = 0;
  p.flags = 0;
  p.peer = free_head_;
  e.peer = peer;
  free_head_ = slot;
  connections_.add(-1);
}

size_t FlowTable::indexSlotsUsed() const {
  size_t used = 0;
  for (uint32_t b = 0; b <= bucket_mask_; ++b) {
    for (int s = 0; s < kSlots; ++s) used += buckets_[b].slot[s] != kNoEntry;
  }
  return used;
}

void FlowTable::setTcpState(uint32_t slot, TcpState s) {
  FlowEntry& e = entries_[slot];
  if (countsAsEmbryonic(e)) embryonic_.add(-1);
  e.tcp_state = s;
  entries_[e.peer].tcp_state = s;
  if (countsAsEmbryonic(e)) embryonic_.add(1);
}

}  // namespace vlb::dp::flow
