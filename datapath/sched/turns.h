// Interleaves turns in proportion to each item's share, smoothly: item i with n_i turns takes them
// at the times (2k + 1) / (2 n_i), k = 0 … n_i - 1 (the Sainte-Laguë / Webster order), earliest
// first, ties to the lower index. Between two turns of item i, any other item j has about
// n_j / n_i turns, so no item gets a burst. Control thread only (allocates).
#pragma once

#include <cstdint>
#include <queue>
#include <span>
#include <vector>

namespace vlb::dp::sched {

class WeightedTurns {
 public:
  explicit WeightedTurns(std::span<const uint32_t> turns) {
    std::vector<Turn> start;
    for (uint32_t i = 0; i < turns.size(); ++i)
      if (turns[i] > 0) start.push_back({0, turns[i], i});
    queue_ = Queue(Later{}, std::move(start));
  }

  bool done() const { return queue_.empty(); }

  // The item whose turn it is. Precondition: !done().
  uint32_t next() {
    Turn t = queue_.top();
    queue_.pop();
    if (++t.taken < t.total) queue_.push(t);
    return t.item;
  }

 private:
  struct Turn {
    uint32_t taken;  // k: turns already taken
    uint32_t total;  // n_i
    uint32_t item;
  };
  // a comes after b when (2 k_a + 1) / n_a > (2 k_b + 1) / n_b, compared without division.
  struct Later {
    bool operator()(const Turn& a, const Turn& b) const {
      const uint64_t ta = (2 * uint64_t(a.taken) + 1) * b.total;
      const uint64_t tb = (2 * uint64_t(b.taken) + 1) * a.total;
      return ta != tb ? ta > tb : a.item > b.item;
    }
  };
  using Queue = std::priority_queue<Turn, std::vector<Turn>, Later>;
  Queue queue_;
};

}  // namespace vlb::dp::sched
