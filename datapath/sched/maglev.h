// Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
// Balancer", NSDI 2016), with weights and a rebuild that keeps history. Control thread only.
//
// Each real has a permutation of the table's slots, from two hashes of its identity (never its
// index, so reordering the config moves nothing): offset = h1 mod M, skip = h2 mod (M - 1) + 1,
// slot j = (offset + j × skip) mod M; M prime makes every skip a full cycle. Reals take turns, in
// proportion to their weights (turns.h), claiming their next preferred free slot.
//
// Balance: each real's number of slots is fixed first, as floor or ceil of M × weight / Σweight.
// With M ≥ 100 × reals, equal-weight reals differ by at most one slot, i.e. < 1 % of the mean.
//
// Minimal disruption: given the previous table (same M), every slot whose real is still eligible
// and has not reached its new count keeps it; only the other slots are refilled, by the reals
// short of their count, along their permutations. Removing or draining one of N reals therefore
// moves only its ~1/N of the slots; adding one moves only the ~1/(N+1) it takes from the others.
// The rounding "+1"s go first to the reals that held more than their floor, so with equal weights
// survivors never lose a slot when a real leaves, nor gain one when a real joins (provably: the
// counts that allow it always exist). With very uneven weights, keeping every count within one
// slot of its share can force a slot or two between survivors; balance wins then.
//
// Determinism: the same reals (and the same previous table) give the same table, on any build.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlb::dp::sched::maglev {

constexpr uint16_t kEmpty = UINT16_MAX;

bool isPrime(uint32_t n);

// The table size for a service with `real_count` reals (all of them, drained ones too, so that
// draining never changes it): the smallest prime ≥ the smallest power of two ≥ max(2^16,
// 100 × real_count). The floor keeps the size identical for any service of up to 655 reals, so
// adding and removing reals can reuse the previous table (a size change remaps everything) and
// weights have fine resolution; rounding up to powers of two makes size changes rare above that.
// Memory: 2 bytes a slot, 128 KiB up to 655 reals, 256 KiB for 1,000, 1 MiB at the 4,096 limit.
// Table::build keeps the previous size while it is still ≥ 100 × real_count.
uint32_t tableSize(uint32_t real_count);

struct Candidate {
  uint32_t weight = 0;  // effective; 0 keeps the real out of the table
  uint32_t hash1 = 0;   // hashes of the real's identity: offset and skip of its permutation
  uint32_t hash2 = 0;
};

struct History {
  std::span<const uint16_t> lookup;     // the previous table, of the size being built
  std::span<const uint32_t> new_index;  // previous real index → index in `reals`, or kNoReal
};

// A table of `size` slots (prime) for `reals` (index < kEmpty), or an empty one when no real has
// a weight. `history` may be nullptr.
std::vector<uint16_t> buildLookup(std::span<const Candidate> reals, uint32_t size,
                                  const History* history);

}  // namespace vlb::dp::sched::maglev
