// Smooth weighted round robin: every step adds each weight to its real's credit, takes the real
// with the most credit and charges it the total.
#include "l7/balance/wrr_sequence.h"

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace vlb::l7::balance {

std::vector<uint32_t> smoothWrrCycle(const std::vector<uint32_t>& weights) {
  std::vector<uint64_t> w(weights.begin(), weights.end());
  uint64_t divisor = 0;
  for (uint64_t x : w) divisor = std::gcd(divisor, x);
  if (divisor == 0) return {};
  uint64_t total = 0;
  for (uint64_t& x : w) total += (x /= divisor);
  if (total > kMaxWrrCycle) {
    const uint64_t old_total = total;
    total = 0;
    for (uint64_t& x : w) {
      if (x > 0) x = std::max<uint64_t>(1, x * (kMaxWrrCycle / 2) / old_total);
      total += x;
    }
  }
  std::vector<uint32_t> cycle;
  cycle.reserve(total);
  std::vector<int64_t> credit(w.size(), 0);
  for (uint64_t step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      credit[i] += int64_t(w[i]);
      if (w[i] > 0 && (w[best] == 0 || credit[i] > credit[best])) best = i;
    }
    credit[best] -= int64_t(total);
    cycle.push_back(uint32_t(best));
  }
  return cycle;
}

}  // namespace vlb::l7::balance
