// Follows the kernel's IPv4 routes, neighbours, addresses and VLAN links. Events on a non-blocking netlink
// socket only mark the tables dirty; `dump()` then reads them whole (the caller rate-limits it). An overrun (ENOBUFS) is
// treated like any event: the next dump is a full resync, so nothing is ever missed.
#pragma once

#include <cstdint>
#include <memory>

#include "datapath/fib/kernel_tables.h"
#include "mgmt/common/result.h"

struct nl_sock;

namespace vlb::mgmt {

class KernelFollower {
 public:
  static Result<std::unique_ptr<KernelFollower>> open();
  ~KernelFollower();
  KernelFollower(const KernelFollower&) = delete;
  KernelFollower& operator=(const KernelFollower&) = delete;

  int fd() const;
  void onReadable();  // drains pending events
  bool dirty() const { return dirty_; }
  uint64_t overruns() const { return overruns_; }

  // Reads the tables now and clears `dirty`.
  Result<dp::KernelTables> dump();

 private:
  KernelFollower() = default;

  nl_sock* events_ = nullptr;
  nl_sock* sync_ = nullptr;
  bool dirty_ = true;
  uint64_t overruns_ = 0;
};

}  // namespace vlb::mgmt
