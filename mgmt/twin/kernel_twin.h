// A datapath port's kernel twin: a TAP interface with the port's MAC, MTU and self IPs.
// The kernel answers ARP and the self IPs through it; frames it writes leave by the port.
// The TAP is not persistent: closing it (also when vlbd dies) removes the interface, and with it
// its 802.1Q VLAN sub-interfaces (which take the port's tagged frames from the exception path).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "datapath/packet/frame.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"

struct nl_sock;

namespace vlb::mgmt {

// A VLAN sub-interface of a twin as configured: name, 802.1Q id, MTU and self IPs.
struct TwinVlan {
  std::string name;
  uint16_t id = 0;
  unsigned mtu = 1500;
  std::vector<config::IpPrefix> addresses;
};

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

  // The twin's MTU (the port's).
  Status setMtu(unsigned mtu);

  // Makes the twin's VLAN sub-interfaces those of `wanted`: new ones are created (up, with MTU
  // and addresses), gone ones deleted, the others' MTU and addresses brought in line. Stops at
  // the first failure (what was done stays; the error names the interface and the value).
  Status syncVlans(const std::vector<TwinVlan>& wanted);
  struct VlanLink {
    TwinVlan spec;
    int ifindex = 0;
  };
  const std::vector<VlanLink>& vlans() const { return vlans_; }
  // Whether the kernel can make VLAN interfaces (CONFIG_VLAN_8021Q): a throw-away VLAN
  // sub-interface is created and deleted. The error says why not.
  Status probeVlanSupport() const;

  int fd() const { return fd_; }
  int ifindex() const { return ifindex_; }
  const std::string& name() const { return name_; }

 private:
  KernelTwin(std::string name, int fd, int ifindex) : name_(std::move(name)), fd_(fd), ifindex_(ifindex) {}
  Status addVlan(const TwinVlan& v);
  Status updateVlan(VlanLink& have, const TwinVlan& want);
  std::string name_;
  int fd_;
  int ifindex_;
  std::vector<VlanLink> vlans_;
};

// Sets a link's MTU by interface index.
Status setLinkMtu(int ifindex, const std::string& name, unsigned mtu);

// Asks the kernel to resolve `address` on interface `ifindex` now (a neighbour entry with
// NTF_USE): the datapath forwards only to resolved neighbours.
Status resolveNeighbour(int ifindex, const config::IpAddress& address);

// Adds a route to the kernel's main table (replacing one with the same destination).
Status addKernelRoute(const config::Route& route);
// Removes a route vlbd added.
Status deleteKernelRoute(const config::Route& route);
// The default route (0.0.0.0/0 or ::/0) through `gateway`, as a Route for the two above.
config::Route defaultRouteVia(const config::IpAddress& gateway);

// Writes a sysctl under /proc/sys, e.g. ("net/ipv4/ip_forward", "1").
Status writeSysctl(const std::string& key, const std::string& value);

}  // namespace vlb::mgmt
