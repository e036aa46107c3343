#include "datapath/sched/wrr.h"

#include <numeric>

#include "datapath/sched/scheduler.h"
#include "datapath/sched/turns.h"

namespace vlb::dp::sched {

std::vector<uint16_t> smoothSequence(std::span<const uint16_t> weights) {
  uint32_t divisor = 0;
  uint64_t sum = 0;
  for (uint16_t w : weights) {
    divisor = std::gcd(divisor, uint32_t(w));
    sum += w;
  }
  if (sum == 0) return {};
  sum /= divisor;

  std::vector<uint32_t> turns(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    uint64_t t = weights[i] / divisor;
    if (t > 0 && sum > kMaxWrrSequence) t = std::max<uint64_t>(1, t * kMaxWrrSequence / sum);
    turns[i] = uint32_t(t);
  }

  std::vector<uint16_t> sequence;
  sequence.reserve(std::accumulate(turns.begin(), turns.end(), size_t{0}));
  for (WeightedTurns order(turns); !order.done();) sequence.push_back(uint16_t(order.next()));
  return sequence;
}

}  // namespace vlb::dp::sched
