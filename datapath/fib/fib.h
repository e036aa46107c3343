// An immutable IPv4 forwarding table for the datapath lcores: rte_lpm + adjacencies.
// The control thread builds a new one on every kernel table change and publishes it (see
// FibPublisher); lcores only read.
#pragma once

#include <bitset>
#include <memory>
#include <string>
#include <vector>

#include <rte_lpm.h>

#include "datapath/fib/fib_plan.h"

namespace vlb::dp {

class Fib {
 public:
  // Returns nullptr and sets `error` when DPDK cannot allocate the table.
  static std::unique_ptr<Fib> build(const FibPlan& plan, std::string* error);
  ~Fib();
  Fib(const Fib&) = delete;
  Fib& operator=(const Fib&) = delete;

  // nullptr when no route covers `dst` (host order).
  const Adjacency* lookup(uint32_t dst) const {
    uint32_t next_hop;
    if (rte_lpm_lookup(lpm_, dst, &next_hop) == 0) return &adjacencies_[next_hop];
    return default_route_;  // rte_lpm holds prefixes of length 1 to 32 only
  }

  size_t entryCount() const { return entries_; }

  // Whether `port` carries VLAN `id` (a VLAN sub-interface of its twin).
  bool vlanKnown(uint16_t port, uint16_t id) const {
    return port < vlans_.size() && vlans_[port].test(id & 0x0fff);
  }

 private:
  Fib() = default;
  rte_lpm* lpm_ = nullptr;
  std::vector<Adjacency> adjacencies_;
  const Adjacency* default_route_ = nullptr;  // the /0 entry, if any
  size_t entries_ = 0;
  std::vector<std::bitset<4096>> vlans_;  // per port, by VLAN id
};

}  // namespace vlb::dp
