// L4 schedulers: which real server a new flow of a virtual service goes to.
//
// Who does what
// - The control thread builds a `Table` from the service's reals (`Table::build`, allocates, may
//   fail with a message) and publishes it by pointer. A Table never changes once built, so every
//   datapath lcore reads it without locks; the control thread frees a replaced Table after an RCU
//   grace period. To change anything (weights, drain, reals, scheduler) build a new Table, passing
//   the one it replaces so that `maglev`/`sh` move as few flows as possible.
// - Each datapath lcore owns one `LcoreState` per service, created off the fast path (it allocates)
//   and touched only by that lcore: the rr/wrr cursor and, for lc/wlc, the lcore's count of active
//   connections per real, which the flow table keeps with `connOpened`/`connClosed`.
// - `pick` runs on the lcore for every new flow: no locks, no allocation, no exceptions, no
//   logging. O(1) for rr, wrr, sh and maglev; O(reals) for lc and wlc.
//
// Real indexes
// - A real's index is its position in the span given to `build`. Keep a real's index for the life
//   of the service: a removed real should stay as a disabled placeholder (enabled = false) while
//   flows still name it, so that flow entries and lc counts keep meaning the same real.
// - A real takes new flows when it is enabled and its weight is above 0 ("eligible"). A disabled
//   real drains: its established flows are the flow table's business, it just gets no new ones.
// - `pick` returns an eligible real's index, or `kNoReal` when the service has none.
//
// What the schedulers do
// - rr: eligible reals in turn. wrr: a precomputed smooth interleaving of the reals in proportion
//   to their weights (at most kMaxWrrSequence + kMaxReals long; larger weight sums are scaled).
// - lc / wlc: the fewest active connections on this lcore (wlc: active / weight); ties go round
//   robin from the lcore's cursor, so they are deterministic and still spread.
// - sh: consistent hash of the client address (`FlowHashes::source`) over a Maglev table.
// - maglev: consistent hash of `FlowHashes::flow` (the 5-tuple, or the source for persistence) over
//   a Maglev table; see maglev.h for its size, balance and minimal-disruption rebuild.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vlb::dp::sched {

using RealIndex = uint32_t;
constexpr RealIndex kNoReal = UINT32_MAX;
constexpr uint32_t kMaxReals = 4096;           // per service
constexpr uint32_t kMaxWrrSequence = 1 << 16;  // weight sums above this are scaled down

enum class Kind : uint8_t { kRr, kWrr, kLc, kWlc, kSh, kMaglev };

std::string_view kindName(Kind kind);                  // "rr", "wrr", ...
std::optional<Kind> parseKind(std::string_view name);  // inverse of kindName

// A real as the control thread describes it to `build`.
struct Real {
  // Stable and unique in the service, e.g. "192.0.2.10:443": Maglev hashes it, never the index.
  std::string identity;
  uint16_t weight = 1;  // 0: no new flows
  bool enabled = true;  // false: drain, no new flows
};

// What `pick` needs to know of a new flow; only sh and maglev read it (hash.h computes both).
struct FlowHashes {
  uint32_t source = 0;  // hashSourceV4/V6 of the client address (after any persistence mask)
  uint32_t flow = 0;    // hashFlowV4/V6 of the 5-tuple
};

class LcoreState;

class Table {
 public:
  // Control thread. `previous`: the table this one replaces, or nullptr; only used when it is of
  // the same kind. On bad input returns nullptr and sets `error` to a sentence naming the real.
  static std::unique_ptr<const Table> build(Kind kind, std::span<const Real> reals,
                                            const Table* previous, std::string* error);

  Kind kind() const { return kind_; }
  uint32_t realCount() const { return uint32_t(weight_.size()); }
  uint32_t eligibleCount() const { return eligible_count_; }
  bool eligible(RealIndex r) const { return r < realCount() && weight_[r] > 0; }
  // The weight `pick` uses: 0 when the real is disabled.
  uint16_t effectiveWeight(RealIndex r) const { return r < realCount() ? weight_[r] : 0; }
  // rr/wrr: the cycle of real indexes the cursor walks; empty for other kinds.
  std::span<const uint16_t> sequence() const { return sequence_; }
  // sh/maglev: the lookup table (size prime, every entry an eligible real); empty otherwise.
  std::span<const uint16_t> lookup() const { return lookup_; }
  const std::string& identity(RealIndex r) const { return identity_[r]; }  // r < realCount()
  size_t memoryBytes() const;

 private:
  friend RealIndex pick(const Table& table, LcoreState& state, FlowHashes hashes) noexcept;
  Table() = default;

  Kind kind_ = Kind::kRr;
  uint32_t eligible_count_ = 0;
  std::vector<uint16_t> weight_;  // effective weight per real
  std::vector<uint16_t> sequence_;
  std::vector<uint16_t> lookup_;
  std::vector<std::string> identity_;  // for the next rebuild's history, never read by pick
};

// One lcore's mutable scheduler state for one service. Cache-line aligned so that lcores never
// share a line.
class alignas(64) LcoreState {
 public:
  // Off the fast path (allocates). `capacity`: the most reals any Table of this service may have;
  // reals at or above it are never picked by lc/wlc. `lcore` spreads the lcores' starting points.
  LcoreState(uint32_t capacity, uint32_t lcore);

  // The flow table reports each connection to a real opening and closing (lc/wlc read these;
  // harmless to keep for other kinds). Out-of-range indexes are ignored; counts never underflow.
  void connOpened(RealIndex r) noexcept {
    if (r < capacity_) ++active_[r];
  }
  void connClosed(RealIndex r) noexcept {
    if (r < capacity_ && active_[r] > 0) --active_[r];
  }
  uint32_t active(RealIndex r) const noexcept { return r < capacity_ ? active_[r] : 0; }
  uint32_t capacity() const { return capacity_; }

 private:
  friend RealIndex pick(const Table& table, LcoreState& state, FlowHashes hashes) noexcept;
  struct FreeAligned {
    void operator()(uint32_t* p) const;
  };
  uint32_t cursor_ = 0;
  uint32_t capacity_ = 0;
  std::unique_ptr<uint32_t[], FreeAligned> active_;  // whole cache lines of its own
};

// The real for a new flow, or kNoReal. Datapath lcore; `state` is that lcore's own. Does not count
// the connection: the flow table calls connOpened once the flow entry exists.
RealIndex pick(const Table& table, LcoreState& state, FlowHashes hashes) noexcept;

}  // namespace vlb::dp::sched
