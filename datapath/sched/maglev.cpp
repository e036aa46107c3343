#include "datapath/sched/maglev.h"

#include <algorithm>
#include <cstdlib>

#include "datapath/sched/scheduler.h"
#include "datapath/sched/turns.h"

namespace vlb::dp::sched::maglev {
namespace {

// Broken only by a bug in this file; on in release builds too, and only on the control thread.
void invariant(bool holds) {
  if (!holds) std::abort();
}

// Reals in identity-hash order, so that the table does not depend on the order of the config.
std::vector<uint32_t> identityOrder(std::span<const Candidate> reals) {
  std::vector<uint32_t> order(reals.size());
  for (uint32_t i = 0; i < reals.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (reals[a].hash1 != reals[b].hash1) return reals[a].hash1 < reals[b].hash1;
    if (reals[a].hash2 != reals[b].hash2) return reals[a].hash2 < reals[b].hash2;
    return a < b;
  });
  return order;
}

struct Shares {
  std::span<const Candidate> reals;
  uint32_t size;
  uint64_t total;                      // Σ weight; a real's exact share is size × weight / total
  std::span<const uint32_t> previous;  // slots per real in the previous table (zeros if none)
  std::span<const uint32_t> position;  // place in identityOrder, for deterministic ties
};

// Slots per real: floor or ceil of its exact share. The extra ones go first to the reals holding
// more than their floor in the previous table (so that survivors keep what they hold), then to the
// largest remainders, then in identity order.
std::vector<uint32_t> apportion(const Shares& in) {
  std::vector<uint32_t> quota(in.reals.size(), 0);
  std::vector<uint64_t> remainder(in.reals.size(), 0);
  std::vector<uint32_t> order;
  uint64_t assigned = 0;
  for (uint32_t i = 0; i < in.reals.size(); ++i) {
    if (in.reals[i].weight == 0) continue;
    const uint64_t share = uint64_t(in.size) * in.reals[i].weight;
    quota[i] = uint32_t(share / in.total);
    remainder[i] = share % in.total;
    assigned += quota[i];
    order.push_back(i);
  }
  auto above = [&](uint32_t i) { return in.previous[i] > quota[i]; };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (above(a) != above(b)) return above(a);
    if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
    return in.position[a] < in.position[b];
  });
  const uint64_t extra = in.size - assigned;
  invariant(extra <= order.size());
  for (uint64_t k = 0; k < extra; ++k) ++quota[order[k]];
  return quota;
}

}  // namespace

bool isPrime(uint32_t n) {
  if (n < 2) return false;
  for (uint32_t d = 2; uint64_t(d) * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

uint32_t tableSize(uint32_t real_count) {
  const uint64_t need = std::max<uint64_t>(uint64_t(1) << 16, uint64_t(real_count) * 100);
  uint64_t size = 1;
  while (size < need) size <<= 1;
  while (!isPrime(uint32_t(size))) ++size;
  return uint32_t(size);
}

std::vector<uint16_t> buildLookup(std::span<const Candidate> reals, uint32_t size,
                                  const History* history) {
  invariant(size >= 2 && reals.size() < kEmpty);
  const bool any = std::any_of(reals.begin(), reals.end(), [](auto& c) { return c.weight > 0; });
  if (!any) return {};
  if (history != nullptr && history->lookup.size() != size) history = nullptr;

  // Where each previous slot's real is now, if it is still in the table.
  auto survivor = [&](uint32_t slot) -> uint32_t {
    const uint16_t old = history->lookup[slot];
    if (old >= history->new_index.size()) return kNoReal;
    const uint32_t now = history->new_index[old];
    return now < reals.size() && reals[now].weight > 0 ? now : kNoReal;
  };
  std::vector<uint32_t> previous_count(reals.size(), 0);
  if (history != nullptr)
    for (uint32_t s = 0; s < size; ++s)
      if (uint32_t r = survivor(s); r != kNoReal) ++previous_count[r];
  const std::vector<uint32_t> rank = identityOrder(reals);
  std::vector<uint32_t> position(reals.size());
  for (uint32_t k = 0; k < rank.size(); ++k) position[rank[k]] = k;
  uint64_t total = 0;
  for (const Candidate& c : reals) total += c.weight;
  const std::vector<uint32_t> quota = apportion({reals, size, total, previous_count, position});

  // Keep what may be kept.
  std::vector<uint16_t> table(size, kEmpty);
  std::vector<uint32_t> held(reals.size(), 0);
  if (history != nullptr) {
    for (uint32_t s = 0; s < size; ++s) {
      const uint32_t r = survivor(s);
      if (r != kNoReal && held[r] < quota[r]) {
        table[s] = uint16_t(r);
        ++held[r];
      }
    }
  }

  // Refill the free slots: reals short of their quota take turns along their permutations. Turns
  // are handed out in identity-hash order (ties go to the first), not config order.
  std::vector<uint32_t> missing(reals.size());
  std::vector<uint32_t> next(reals.size()), skip(reals.size()), walked(reals.size(), 0);
  for (uint32_t i = 0; i < reals.size(); ++i) {
    missing[i] = quota[rank[i]] - held[rank[i]];
    next[i] = reals[i].hash1 % size;
    skip[i] = reals[i].hash2 % (size - 1) + 1;
  }
  for (WeightedTurns turns(missing); !turns.done();) {
    const uint32_t r = rank[turns.next()];
    // A real never needs to revisit a slot it has passed: that slot was taken and stays taken.
    while (table[next[r]] != kEmpty) {
      invariant(++walked[r] < size);
      next[r] += skip[r];
      if (next[r] >= size) next[r] -= size;
    }
    table[next[r]] = uint16_t(r);
  }
  return table;
}

}  // namespace vlb::dp::sched::maglev
