// Pool construction, health flags and the four L7 schedulers.
#include "l7/balance/pool.h"

#include <algorithm>
#include <array>

#include "l7/balance/wrr_sequence.h"

namespace vlb::l7::balance {

namespace {

constexpr std::array<std::pair<std::string_view, Algorithm>, 4> kAlgorithms = {{
    {"rr", Algorithm::kRr},
    {"wrr", Algorithm::kWrr},
    {"lc", Algorithm::kLc},
    {"lcr", Algorithm::kLcr},
}};

}  // namespace

std::string_view algorithmName(Algorithm a) {
  for (const auto& [name, value] : kAlgorithms)
    if (value == a) return name;
  return "?";
}

std::optional<Algorithm> algorithmFromName(std::string_view name) {
  for (const auto& [n, value] : kAlgorithms)
    if (n == name) return value;
  return std::nullopt;
}

Result<std::unique_ptr<Pool>> Pool::create(std::string name, Algorithm algorithm,
                                           const std::vector<RealSpec>& reals) {
  const std::string where = "pool \"" + name + "\": ";
  if (name.empty()) return fail("pool: the name is empty");
  if (reals.size() > kMaxReals)
    return fail(where + std::to_string(reals.size()) + " reals is over the limit of " +
                std::to_string(kMaxReals));
  std::unique_ptr<Pool> pool(new Pool());
  pool->name_ = std::move(name);
  pool->algorithm_ = algorithm;
  pool->size_ = uint32_t(reals.size());
  pool->reals_ = std::make_unique<RealState[]>(reals.size());
  std::vector<uint32_t> weights;
  for (uint32_t i = 0; i < reals.size(); ++i) {
    const RealSpec& r = reals[i];
    const std::string field = "reals[" + std::to_string(i) + "]";
    if (r.weight > kMaxWeight)
      return fail(where + field + ".weight " + std::to_string(r.weight) + " is over " +
                  std::to_string(kMaxWeight));
    RealState& s = pool->reals_[i];
    s.id = r.id;
    s.weight = r.weight;
    s.up.store(r.up, std::memory_order_relaxed);
    if (r.up && r.weight > 0) pool->up_count_.fetch_add(1, std::memory_order_relaxed);
    pool->names_.push_back(r.name);
    pool->by_id_.emplace_back(r.id, i);
    weights.push_back(r.weight);
  }
  std::sort(pool->by_id_.begin(), pool->by_id_.end());
  for (size_t k = 1; k < pool->by_id_.size(); ++k) {
    if (pool->by_id_[k].first == pool->by_id_[k - 1].first)
      return fail(where + "reals[" + std::to_string(pool->by_id_[k].second) + "].id " +
                  std::to_string(pool->by_id_[k].first) + " is used twice");
  }
  if (algorithm == Algorithm::kWrr) {
    pool->sequence_ = smoothWrrCycle(weights);
  } else if (algorithm == Algorithm::kRr) {
    for (uint32_t i = 0; i < reals.size(); ++i)
      if (reals[i].weight > 0) pool->sequence_.push_back(i);
  }
  return pool;
}

uint32_t Pool::indexOf(uint32_t real_id) const {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), std::make_pair(real_id, 0u));
  return it != by_id_.end() && it->first == real_id ? it->second : kNoReal;
}

void Pool::setUp(uint32_t index, bool up) {
  RealState& s = reals_[index];
  if (s.up.exchange(up, std::memory_order_relaxed) == up || s.weight == 0) return;
  if (up)
    up_count_.fetch_add(1, std::memory_order_relaxed);
  else
    up_count_.fetch_sub(1, std::memory_order_relaxed);
}

uint32_t Pool::pick() {
  if (upCount() == 0) return kNoReal;
  switch (algorithm_) {
    case Algorithm::kRr:
    case Algorithm::kWrr:
      return pickFromSequence(sequence_);
    case Algorithm::kLc:
      return pickLeast(&RealState::connections);
    case Algorithm::kLcr:
      return pickLeast(&RealState::requests);
  }
  return kNoReal;
}

// A slot of a down real is consumed and the next one taken, so the up reals keep their mutual
// proportions (skipping to the following slot instead would double the share of the real after a
// down one). At most one cycle is walked.
uint32_t Pool::pickFromSequence(const std::vector<uint32_t>& sequence) {
  const size_t n = sequence.size();
  for (size_t attempt = 0; attempt < n; ++attempt) {
    const uint64_t c = cursor_.fetch_add(1, std::memory_order_relaxed);
    const uint32_t i = sequence[c % n];
    if (isUp(i)) return i;
  }
  return kNoReal;
}

// The up real with the fewest active connections (or requests) per unit of weight; the scan
// starts at a rotating position so that ties are shared round robin.
uint32_t Pool::pickLeast(std::atomic<uint32_t> RealState::*counter) {
  const uint64_t start = cursor_.fetch_add(1, std::memory_order_relaxed);
  uint32_t best = kNoReal;
  uint64_t best_load = 0, best_weight = 1;
  for (uint32_t k = 0; k < size_; ++k) {
    const uint32_t i = uint32_t((start + k) % size_);
    if (!schedulable(i)) continue;
    const uint64_t load = (reals_[i].*counter).load(std::memory_order_relaxed);
    const uint64_t weight = reals_[i].weight;
    if (best == kNoReal || load * best_weight < best_load * weight) {
      best = i;
      best_load = load;
      best_weight = weight;
    }
  }
  return best;
}

}  // namespace vlb::l7::balance
