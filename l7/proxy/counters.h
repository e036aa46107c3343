// Counters of the proxy engine per service and per real: atomics written by the workers (relaxed)
// and read by the control thread for metrics at any time, plus a latency histogram with fixed,
// logarithmic buckets.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace vlb::l7::proxy {

// Request latency (first request byte to last response byte) in buckets whose upper bounds are
// 2^k microseconds, k = 7..27 (128 us .. 134 s), then +Inf.
class LatencyHistogram {
 public:
  static constexpr unsigned kFirstShift = 7;
  static constexpr unsigned kBuckets = 22;  // 21 bounded + the +Inf bucket

  void record(uint64_t micros);
  static unsigned bucketFor(uint64_t micros);
  // Upper bound of bucket i in seconds (+Inf for the last).
  static double upperBoundSeconds(unsigned i);

  uint64_t bucket(unsigned i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t sumMicros() const { return sum_us_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};  // not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

// Index of a status class in `responses`: 0 for 1xx ... 4 for 5xx, 5 for anything else.
constexpr unsigned statusClass(uint16_t status) {
  return status >= 100 && status < 600 ? unsigned(status / 100 - 1) : 5u;
}

struct TrafficCounters {
  std::atomic<uint64_t> requests{0};
  std::array<std::atomic<uint64_t>, 6> responses{};  // by statusClass()
  std::atomic<uint64_t> bytes_in{0};   // from the client (service) / sent to the real (real)
  std::atomic<uint64_t> bytes_out{0};  // sent to the client (service) / from the real (real)
  std::atomic<int64_t> active_connections{0};  // client conns (service) / upstream conns (real)
  LatencyHistogram latency;

  void countResponse(uint16_t status) {
    responses[statusClass(status)].fetch_add(1, std::memory_order_relaxed);
  }
};

struct ServiceCounters : TrafficCounters {
  std::atomic<uint64_t> bad_requests{0};       // refused by the parser (400/413/414/431/501/505)
  std::atomic<uint64_t> local_responses{0};    // made by the director
  std::atomic<uint64_t> upstream_errors{0};    // 502 sent: connect refused, reset, bad response
  std::atomic<uint64_t> upstream_timeouts{0};  // 504 sent
  std::atomic<uint64_t> client_timeouts{0};    // header/idle timeouts
  std::atomic<uint64_t> tls_handshake_errors{0};
};

struct RealCounters : TrafficCounters {
  std::atomic<uint64_t> connects{0};  // new upstream connections
  std::atomic<uint64_t> reuses{0};    // requests sent on a pooled connection
  std::atomic<uint64_t> retries{0};   // stale pooled connection, request sent again
  std::atomic<uint64_t> connect_errors{0};
};

}  // namespace vlb::l7::proxy
