// LatencyHistogram buckets.
#include "l7/proxy/counters.h"

#include <bit>
#include <limits>

namespace vlb::l7::proxy {

unsigned LatencyHistogram::bucketFor(uint64_t micros) {
  if (micros <= (uint64_t(1) << kFirstShift)) return 0;
  // Smallest k with micros <= 2^k, k >= kFirstShift.
  const unsigned k = unsigned(std::bit_width(micros - 1));
  const unsigned i = k - kFirstShift;
  return i < kBuckets - 1 ? i : kBuckets - 1;
}

double LatencyHistogram::upperBoundSeconds(unsigned i) {
  if (i >= kBuckets - 1) return std::numeric_limits<double>::infinity();
  return double(uint64_t(1) << (kFirstShift + i)) / 1e6;
}

void LatencyHistogram::record(uint64_t micros) {
  counts_[bucketFor(micros)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(micros, std::memory_order_relaxed);
}

}  // namespace vlb::l7::proxy
