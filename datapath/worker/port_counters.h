// Per-port counters, one copy per datapath lcore (single writer), summed when someone asks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "datapath/packet/drop_reason.h"

namespace vlb::dp {

// A counter written by one thread and read by others: relaxed loads and stores, no RMW.
class Counter {
 public:
  void add(uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct alignas(64) PortCounters {
  Counter rx_packets, rx_bytes;
  Counter tx_packets, tx_bytes;
  Counter forwarded;  // received here and routed by the datapath
  Counter punted;     // received here and handed to the kernel twin
  Counter injected;   // written by the kernel to the twin and sent out of this port
  Counter handed_off; // handed to the lcore that owns its connection, or (a later fragment to
                      // a SNAT address) to the next lcore of its round: fragment_relay.h
  std::array<Counter, size_t(DropReason::kCount)> drops;
};

// Plain values, for reading and summing.
struct PortCountersSnapshot {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t forwarded = 0, punted = 0, injected = 0, handed_off = 0;
  std::array<uint64_t, size_t(DropReason::kCount)> drops{};

  void accumulate(const PortCounters& c) {
    rx_packets += c.rx_packets.get();
    rx_bytes += c.rx_bytes.get();
    tx_packets += c.tx_packets.get();
    tx_bytes += c.tx_bytes.get();
    forwarded += c.forwarded.get();
    punted += c.punted.get();
    injected += c.injected.get();
    handed_off += c.handed_off.get();
    for (size_t i = 0; i < drops.size(); ++i) drops[i] += c.drops[i].get();
  }
  uint64_t dropped() const {
    uint64_t sum = 0;
    for (auto d : drops) sum += d;
    return sum;
  }
};

}  // namespace vlb::dp
