// The cycle that rr and wrr walk. Control thread only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlb::dp::sched {

// One cycle of smooth weighted round robin over reals with these effective weights (0: left out):
// each real appears in proportion to its weight, spread out (see turns.h), so a burst of new flows
// does not all land on the heaviest real. Weights are divided by their greatest common divisor;
// when their sum still exceeds kMaxWrrSequence they are scaled down to fit (a real with weight
// above 0 keeps at least one turn), which bounds the cycle at kMaxWrrSequence + number of reals.
std::vector<uint16_t> smoothSequence(std::span<const uint16_t> weights);

}  // namespace vlb::dp::sched
