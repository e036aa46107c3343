// The cycle of a smooth weighted round robin, computed once per pool: each real appears in
// proportion to its weight and as evenly spread as possible (weights 5,1,1: a a b a c a a).
#pragma once

#include <cstdint>
#include <vector>

namespace vlb::l7::balance {

inline constexpr uint32_t kMaxWrrCycle = 1u << 16;

// Indices into `weights`; weights of 0 do not appear. Weights are divided by their greatest
// common divisor; if the cycle would still be longer than kMaxWrrCycle they are scaled down
// (each non-zero weight keeps at least one slot), which rounds the ratios slightly.
std::vector<uint32_t> smoothWrrCycle(const std::vector<uint32_t>& weights);

}  // namespace vlb::l7::balance
