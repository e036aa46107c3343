// The per-flow side: pick and the lcore state. Datapath lcores; no locks, allocation or logging.
#include <algorithm>
#include <array>
#include <cstring>
#include <new>

#include "datapath/sched/hash.h"
#include "datapath/sched/scheduler.h"

namespace vlb::dp::sched {
namespace {

constexpr std::align_val_t kCacheLine{64};
constexpr std::array<std::string_view, 6> kKindNames = {"rr", "wrr", "lc", "wlc", "sh", "maglev"};

// A position in [0, n) from a cursor that may be stale after a table swap.
inline uint32_t wrap(uint32_t cursor, uint32_t n) { return cursor < n ? cursor : cursor % n; }

inline RealIndex lookupSlot(std::span<const uint16_t> lookup, uint32_t hash) {
  if (lookup.empty()) return kNoReal;
  return lookup[reduce(hash, uint32_t(lookup.size()))];
}

struct Least {
  uint32_t index = kNoReal;
  uint32_t active = UINT32_MAX;  // beaten by any real (counts never get near 2^32)
  uint32_t weight = 1;
};

// lc compares active counts; wlc compares active / weight (cross-multiplied). Strictly less wins,
// so the first best from the cursor stays: ties go round robin.
template <bool kWeighted>
inline void scan(const uint16_t* weight, const uint32_t* active, uint32_t from, uint32_t to,
                 Least& least) {
  for (uint32_t i = from; i < to; ++i) {
    if (weight[i] == 0) continue;
    const bool better =
        kWeighted ? uint64_t(active[i]) * least.weight < uint64_t(least.active) * weight[i]
                  : active[i] < least.active;
    if (better) least = {i, active[i], weight[i]};
  }
}

template <bool kWeighted>
RealIndex leastLoaded(const uint16_t* weight, const uint32_t* active, uint32_t n,
                      uint32_t& cursor) {
  if (n == 0) return kNoReal;
  const uint32_t start = wrap(cursor, n);
  Least least;
  scan<kWeighted>(weight, active, start, n, least);
  if (least.active != 0) scan<kWeighted>(weight, active, 0, start, least);
  if (least.index != kNoReal) cursor = least.index + 1;
  return least.index;
}

}  // namespace

std::string_view kindName(Kind kind) { return kKindNames[size_t(kind)]; }

std::optional<Kind> parseKind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return Kind(i);
  return std::nullopt;
}

LcoreState::LcoreState(uint32_t capacity, uint32_t lcore)
    : cursor_(mix32(lcore)), capacity_(capacity) {
  const size_t lines = std::max<size_t>(1, (size_t(capacity) * sizeof(uint32_t) + 63) / 64);
  const size_t bytes = lines * 64;
  active_.reset(static_cast<uint32_t*>(::operator new[](bytes, kCacheLine)));
  std::memset(active_.get(), 0, bytes);
}

void LcoreState::FreeAligned::operator()(uint32_t* p) const { ::operator delete[](p, kCacheLine); }

RealIndex pick(const Table& table, LcoreState& state, FlowHashes hashes) noexcept {
  switch (table.kind_) {
    case Kind::kRr:
    case Kind::kWrr: {
      const auto& seq = table.sequence_;
      if (seq.empty()) return kNoReal;
      const uint32_t at = wrap(state.cursor_, uint32_t(seq.size()));
      state.cursor_ = at + 1;
      return seq[at];
    }
    case Kind::kSh:
      return lookupSlot(table.lookup_, hashes.source);
    case Kind::kMaglev:
      return lookupSlot(table.lookup_, hashes.flow);
    case Kind::kLc:
    case Kind::kWlc: {
      const uint32_t n = std::min(table.realCount(), state.capacity_);
      return table.kind_ == Kind::kLc
                 ? leastLoaded<false>(table.weight_.data(), state.active_.get(), n, state.cursor_)
                 : leastLoaded<true>(table.weight_.data(), state.active_.get(), n, state.cursor_);
    }
  }
  return kNoReal;
}

}  // namespace vlb::dp::sched
