// Route netlink helpers of mgmt/twin (twin_netlink.h).
#include "mgmt/twin/twin_netlink.h"

#include <netlink/route/addr.h>

namespace vlb::mgmt::twin_netlink {

std::string nlError(int rc) { return nl_geterror(rc); }

namespace {

Status changeTwinAddress(nl_sock* sock, const std::string& twin, int ifindex, const config::IpPrefix& p,
                         bool remove) {
  nl_addr* local = nullptr;
  if (nl_addr_parse(p.text.c_str(), p.address.family, &local) < 0)
    return fail("twin " + twin + ": cannot use address " + p.text);
  rtnl_addr* addr = rtnl_addr_alloc();
  rtnl_addr_set_ifindex(addr, ifindex);
  rtnl_addr_set_local(addr, local);
  if (!remove && p.address.family == AF_INET6) rtnl_addr_set_flags(addr, IFA_F_NODAD);
  const int rc = remove ? rtnl_addr_delete(sock, addr, 0) : rtnl_addr_add(sock, addr, NLM_F_REPLACE);
  rtnl_addr_put(addr);
  nl_addr_put(local);
  if (rc < 0)
    return fail("twin " + twin + ": cannot " + (remove ? "remove" : "add") + " address " + p.text + ": " +
                nlError(rc));
  return Ok{};
}

}  // namespace

Status addTwinAddress(nl_sock* sock, const std::string& twin, int ifindex, const config::IpPrefix& p) {
  return changeTwinAddress(sock, twin, ifindex, p, false);
}

Status removeTwinAddress(nl_sock* sock, const std::string& twin, int ifindex,
                         const config::IpPrefix& p) {
  return changeTwinAddress(sock, twin, ifindex, p, true);
}

}  // namespace vlb::mgmt::twin_netlink
