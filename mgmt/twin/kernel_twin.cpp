// The kernel twin (kernel_twin.h): its TAP, self IPs and MTU; neighbours, routes and sysctls.
#include "mgmt/twin/kernel_twin.h"
#include "mgmt/twin/twin_netlink.h"

#include <fcntl.h>

#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace vlb::mgmt {
namespace {

using twin_netlink::NlSocket;
using twin_netlink::nlError;
using twin_netlink::addTwinAddress;
using twin_netlink::removeTwinAddress;

Status configureLink(nl_sock* sock, const std::string& name, const dp::MacAddr& mac, unsigned mtu) {
  rtnl_link* link = nullptr;
  if (int rc = rtnl_link_get_kernel(sock, 0, name.c_str(), &link); rc < 0)
    return fail("twin " + name + ": cannot read the link: " + nlError(rc));
  rtnl_link* change = rtnl_link_alloc();
  nl_addr* lladdr = nl_addr_build(AF_LLC, mac.bytes, 6);
  rtnl_link_set_addr(change, lladdr);
  rtnl_link_set_mtu(change, mtu);
  rtnl_link_set_flags(change, IFF_UP);
  int rc = rtnl_link_change(sock, link, change, 0);
  nl_addr_put(lladdr);
  rtnl_link_put(change);
  rtnl_link_put(link);
  if (rc < 0) return fail("twin " + name + ": cannot set MAC, MTU and up: " + nlError(rc));
  return Ok{};
}

}  // namespace

Status writeSysctl(const std::string& key, const std::string& value) {
  std::ofstream f("/proc/sys/" + key);
  f << value;
  f.close();
  if (!f) return fail("cannot set sysctl " + key + " = " + value);
  return Ok{};
}

Result<std::unique_ptr<KernelTwin>> KernelTwin::create(
    const std::string& name, const dp::MacAddr& mac, unsigned mtu,
    const std::vector<config::IpPrefix>& addresses) {
  if (if_nametoindex(name.c_str()) != 0)
    return fail("twin " + name + ": an interface with that name exists already");
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot open /dev/net/tun: ") + strerror(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
    std::string why = strerror(errno);
    close(fd);
    return fail("twin " + name + ": cannot create the TAP interface: " + why);
  }
  std::unique_ptr<KernelTwin> twin(new KernelTwin(name, fd, int(if_nametoindex(name.c_str()))));

  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  // The kernel forwards the first packets to an unresolved neighbour through the twin it came
  // in on; a redirect to the sender would be wrong: the datapath is the router.
  if (auto st = writeSysctl("net/ipv4/conf/" + name + "/send_redirects", "0"); !st)
    return Error{"twin " + name + ": " + st.error()};
  if (auto st = configureLink(sock.get(), name, mac, mtu); !st) return Error{st.error()};
  for (const auto& p : addresses)
    if (auto st = addTwinAddress(sock.get(), name, twin->ifindex(), p); !st) return Error{st.error()};
  return twin;
}

KernelTwin::~KernelTwin() { close(fd_); }

Status KernelTwin::addAddress(const config::IpPrefix& prefix) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  return addTwinAddress(sock.get(), name_, ifindex_, prefix);
}

Status KernelTwin::removeAddress(const config::IpPrefix& p) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  return removeTwinAddress(sock.get(), name_, ifindex_, p);
}

Status KernelTwin::setMtu(unsigned mtu) { return setLinkMtu(ifindex_, name_, mtu); }

Status setLinkMtu(int ifindex, const std::string& name, unsigned mtu) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  rtnl_link* link = nullptr;
  if (int rc = rtnl_link_get_kernel(sock.get(), ifindex, nullptr, &link); rc < 0)
    return fail("interface " + name + ": cannot read the link: " + nlError(rc));
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_mtu(change, mtu);
  const int rc = rtnl_link_change(sock.get(), link, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(link);
  if (rc < 0)
    return fail("interface " + name + ": cannot set MTU " + std::to_string(mtu) + ": " + nlError(rc));
  return Ok{};
}

Status resolveNeighbour(int ifindex, const config::IpAddress& address) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  nl_addr* dst = nullptr;
  if (nl_addr_parse(address.text.c_str(), address.family, &dst) < 0)
    return fail("cannot use address " + address.text);
  rtnl_neigh* n = rtnl_neigh_alloc();
  rtnl_neigh_set_ifindex(n, ifindex);
  rtnl_neigh_set_dst(n, dst);
  rtnl_neigh_set_flags(n, NTF_USE);
  int rc = rtnl_neigh_add(sock.get(), n, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_neigh_put(n);
  nl_addr_put(dst);
  if (rc < 0) return fail("cannot resolve " + address.text + ": " + nlError(rc));
  return Ok{};
}

namespace {

Status changeKernelRoute(const config::Route& route, bool remove) {
  NlSocket sock;
  if (!sock.get()) return fail("cannot open a netlink socket");
  nl_addr *dst = nullptr, *gw = nullptr;
  nl_addr_parse(route.destination.text.c_str(), route.destination.address.family, &dst);
  nl_addr_parse(route.gateway.text.c_str(), route.gateway.family, &gw);
  if (!dst || !gw) {
    if (dst) nl_addr_put(dst);
    if (gw) nl_addr_put(gw);
    return fail("route " + route.destination.text + ": cannot parse");
  }
  rtnl_route* r = rtnl_route_alloc();
  rtnl_route_set_family(r, uint8_t(route.destination.address.family));
  rtnl_route_set_dst(r, dst);
  rtnl_route_set_table(r, RT_TABLE_MAIN);
  rtnl_route_set_protocol(r, RTPROT_STATIC);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_gateway(nh, gw);
  rtnl_route_add_nexthop(r, nh);
  int rc = remove ? rtnl_route_delete(sock.get(), r, 0) : rtnl_route_add(sock.get(), r, NLM_F_REPLACE);
  rtnl_route_put(r);
  nl_addr_put(dst);
  nl_addr_put(gw);
  if (rc < 0)
    return fail("route " + route.destination.text + " via " + route.gateway.text + ": " + nlError(rc));
  return Ok{};
}

}  // namespace

Status addKernelRoute(const config::Route& route) { return changeKernelRoute(route, false); }

config::Route defaultRouteVia(const config::IpAddress& gateway) {
  config::Route r;
  r.destination.address.family = gateway.family;
  r.destination.length = 0;
  r.destination.text = gateway.family == AF_INET6 ? "::/0" : "0.0.0.0/0";
  r.destination.address.text = gateway.family == AF_INET6 ? "::" : "0.0.0.0";
  r.gateway = gateway;
  return r;
}
Status deleteKernelRoute(const config::Route& route) { return changeKernelRoute(route, true); }

}  // namespace vlb::mgmt
