// A twin's 802.1Q VLAN sub-interfaces (kernel_twin.h): created, changed and deleted through
// route netlink (libnl's rtnl_link_vlan), each with its MTU and self IPs.
#include <net/if.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>

#include <algorithm>

#include "mgmt/twin/kernel_twin.h"
#include "mgmt/twin/twin_netlink.h"

namespace vlb::mgmt {

using twin_netlink::addTwinAddress;
using twin_netlink::nlError;
using twin_netlink::NlSocket;
using twin_netlink::removeTwinAddress;

Status KernelTwin::addVlan(const TwinVlan& v) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  const std::string where = "vlan " + v.name + " (id " + std::to_string(v.id) + " on " + name_ + ")";
  if (if_nametoindex(v.name.c_str()) != 0)
    return fail(where + ": an interface with that name exists already");
  rtnl_link* link = rtnl_link_vlan_alloc();
  rtnl_link_set_link(link, ifindex_);
  rtnl_link_set_name(link, v.name.c_str());
  rtnl_link_vlan_set_id(link, v.id);
  rtnl_link_set_mtu(link, v.mtu);
  rtnl_link_set_flags(link, IFF_UP);
  const int rc = rtnl_link_add(sock.get(), link, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(link);
  if (rc < 0) return fail(where + ": cannot create the VLAN interface: " + nlError(rc));
  const int ifindex = int(if_nametoindex(v.name.c_str()));
  vlans_.push_back({v, ifindex});
  if (auto st = writeSysctl("net/ipv4/conf/" + v.name + "/send_redirects", "0"); !st)
    return Error{where + ": " + st.error()};
  for (const auto& p : v.addresses)
    if (auto st = addTwinAddress(sock.get(), v.name, ifindex, p); !st) return st;
  return Ok{};
}

Status KernelTwin::updateVlan(VlanLink& have, const TwinVlan& want) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  auto holds = [](const std::vector<config::IpPrefix>& list, const config::IpPrefix& p) {
    return std::any_of(list.begin(), list.end(), [&](const auto& q) { return q.text == p.text; });
  };
  if (have.spec.mtu != want.mtu) {
    if (auto st = setLinkMtu(have.ifindex, want.name, want.mtu); !st) return st;
    have.spec.mtu = want.mtu;
  }
  for (const auto& p : have.spec.addresses)
    if (!holds(want.addresses, p))
      if (auto st = removeTwinAddress(sock.get(), want.name, have.ifindex, p); !st) return st;
  for (const auto& p : want.addresses)
    if (!holds(have.spec.addresses, p))
      if (auto st = addTwinAddress(sock.get(), want.name, have.ifindex, p); !st) return st;
  have.spec.addresses = want.addresses;
  return Ok{};
}

Status KernelTwin::probeVlanSupport() const {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  const std::string probe = "vlbprobe" + std::to_string(ifindex_ % 10000000);
  rtnl_link* link = rtnl_link_vlan_alloc();
  rtnl_link_set_link(link, ifindex_);
  rtnl_link_set_name(link, probe.c_str());
  rtnl_link_vlan_set_id(link, 4094);
  int rc = rtnl_link_add(sock.get(), link, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(link);
  if (rc == -NLE_OPNOTSUPP || rc == -NLE_NOATTR)
    return fail("the kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q): " + nlError(rc));
  if (rc < 0) return fail("cannot create a VLAN interface on " + name_ + ": " + nlError(rc));
  link = rtnl_link_alloc();
  rtnl_link_set_name(link, probe.c_str());
  rtnl_link_delete(sock.get(), link);
  rtnl_link_put(link);
  return Ok{};
}

Status KernelTwin::syncVlans(const std::vector<TwinVlan>& wanted) {
  auto wantedOf = [&](const VlanLink& have) -> const TwinVlan* {
    for (const auto& w : wanted)
      if (w.name == have.spec.name && w.id == have.spec.id) return &w;
    return nullptr;
  };
  for (auto it = vlans_.begin(); it != vlans_.end();) {
    if (wantedOf(*it)) {
      ++it;
      continue;
    }
    NlSocket sock;
    if (!sock.get()) return fail("cannot open a netlink socket");
    rtnl_link* link = rtnl_link_alloc();
    rtnl_link_set_ifindex(link, it->ifindex);
    const int rc = rtnl_link_delete(sock.get(), link);
    rtnl_link_put(link);
    if (rc < 0) return fail("vlan " + it->spec.name + ": cannot delete the VLAN interface: " + nlError(rc));
    it = vlans_.erase(it);
  }
  for (const auto& w : wanted) {
    auto have = std::find_if(vlans_.begin(), vlans_.end(),
                             [&](const VlanLink& v) { return v.spec.name == w.name; });
    if (auto st = have == vlans_.end() ? addVlan(w) : updateVlan(*have, w); !st) return st;
  }
  return Ok{};
}

}  // namespace vlb::mgmt
