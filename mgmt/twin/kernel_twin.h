// A datapath port's kernel twin: a TAP interface with the port's MAC, MTU and self IPs.
// The kernel answers ARP and the self IPs through it; frames it writes leave by the port.
// The TAP is not persistent: closing it (also when vlbd dies) removes the interface.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "datapath/packet/frame.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"

struct nl_sock;

namespace vlb::mgmt {

class KernelTwin {
 public:
  static Result<std::unique_ptr<KernelTwin>> create(const std::string& name, const dp::MacAddr& mac,
                                                    unsigned mtu,
                                                    const std::vector<config::IpPrefix>& addresses);
  ~KernelTwin();
  KernelTwin(const KernelTwin&) = delete;
  KernelTwin& operator=(const KernelTwin&) = delete;

  // Adds an address (a VIP as a /32) so that the kernel answers ARP and ping for it.
  Status addAddress(const config::IpPrefix& prefix);
  Status removeAddress(const config::IpPrefix& prefix);

  int fd() const { return fd_; }
  int ifindex() const { return ifindex_; }
  const std::string& name() const { return name_; }

 private:
  KernelTwin(std::string name, int fd, int ifindex) : name_(std::move(name)), fd_(fd), ifindex_(ifindex) {}
  std::string name_;
  int fd_;
  int ifindex_;
};

// Asks the kernel to resolve `address` on interface `ifindex` now (a neighbour entry with
// NTF_USE): the datapath forwards only to resolved neighbours.
Status resolveNeighbour(int ifindex, const config::IpAddress& address);

// Adds a route to the kernel's main table (replacing one with the same destination).
Status addKernelRoute(const config::Route& route);
// Removes a route vlbd added.
Status deleteKernelRoute(const config::Route& route);

// Writes a sysctl under /proc/sys, e.g. ("net/ipv4/ip_forward", "1").
Status writeSysctl(const std::string& key, const std::string& value);

}  // namespace vlb::mgmt
