#include "mgmt/netlink/kernel_follower.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vlb::mgmt {
namespace {

uint32_t ipv4Of(nl_addr* a) {
  if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) return 0;
  uint32_t v;
  std::memcpy(&v, nl_addr_get_binary_addr(a), 4);
  return ntohl(v);
}

dp::NeighbourState stateOf(int nud) {
  if (nud & NUD_PERMANENT) return dp::NeighbourState::kPermanent;
  if (nud & NUD_REACHABLE) return dp::NeighbourState::kReachable;
  if (nud & NUD_STALE) return dp::NeighbourState::kStale;
  if (nud & NUD_DELAY) return dp::NeighbourState::kDelay;
  if (nud & NUD_PROBE) return dp::NeighbourState::kProbe;
  return dp::NeighbourState::kUnusable;  // incomplete, failed, noarp, none
}

dp::RouteType typeOf(int type) {
  switch (type) {
    case RTN_UNICAST: return dp::RouteType::kUnicast;
    case RTN_BLACKHOLE: return dp::RouteType::kBlackhole;
    case RTN_UNREACHABLE:
    case RTN_PROHIBIT: return dp::RouteType::kUnreachable;
    default: return dp::RouteType::kOther;
  }
}

template <typename Fn>
void forEach(nl_cache* cache, Fn fn) {
  for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) fn(o);
}

void readRoutes(nl_cache* cache, dp::KernelTables& t) {
  forEach(cache, [&](nl_object* o) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_family(r) != AF_INET) return;
    if (rtnl_route_get_tos(r) != 0) return;  // TOS routing is not followed; the kernel has them
    const auto type = typeOf(rtnl_route_get_type(r));
    if (type == dp::RouteType::kOther) return;
    dp::KernelRoute kr;
    nl_addr* dst = rtnl_route_get_dst(r);
    kr.destination = ipv4Of(dst);
    kr.length = dst ? uint8_t(nl_addr_get_prefixlen(dst)) : 0;
    kr.type = type;
    kr.priority = rtnl_route_get_priority(r);
    // Multipath routes: the datapath follows the first live next hop (no ECMP yet).
    if (type == dp::RouteType::kUnicast) {
      rtnl_nexthop* live = nullptr;
      for (int i = 0; i < rtnl_route_get_nnexthops(r) && !live; ++i) {
        rtnl_nexthop* nh = rtnl_route_nexthop_n(r, i);
        if (!(rtnl_route_nh_get_flags(nh) & (RTNH_F_DEAD | RTNH_F_LINKDOWN))) live = nh;
      }
      if (!live) return;
      kr.gateway = ipv4Of(rtnl_route_nh_get_gateway(live));
      kr.ifindex = rtnl_route_nh_get_ifindex(live);
    }
    t.routes.push_back(kr);
  });
}

void readNeighbours(nl_cache* cache, dp::KernelTables& t) {
  forEach(cache, [&](nl_object* o) {
    auto* n = reinterpret_cast<rtnl_neigh*>(o);
    if (rtnl_neigh_get_family(n) != AF_INET) return;
    nl_addr* ll = rtnl_neigh_get_lladdr(n);
    dp::KernelNeighbour kn;
    kn.address = ipv4Of(rtnl_neigh_get_dst(n));
    kn.ifindex = rtnl_neigh_get_ifindex(n);
    kn.state = stateOf(rtnl_neigh_get_state(n));
    if (!ll || nl_addr_get_len(ll) != 6) kn.state = dp::NeighbourState::kUnusable;
    else std::memcpy(kn.mac.bytes, nl_addr_get_binary_addr(ll), 6);
    t.neighbours.push_back(kn);
  });
}

void readAddresses(nl_cache* cache, dp::KernelTables& t) {
  forEach(cache, [&](nl_object* o) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_family(a) != AF_INET) return;
    t.addresses.push_back({ipv4Of(rtnl_addr_get_local(a)), uint8_t(rtnl_addr_get_prefixlen(a)),
                           rtnl_addr_get_ifindex(a)});
  });
}

void readVlans(nl_cache* cache, dp::KernelTables& t) {
  forEach(cache, [&](nl_object* o) {
    auto* link = reinterpret_cast<rtnl_link*>(o);
    if (!rtnl_link_is_vlan(link)) return;
    t.vlans.push_back({rtnl_link_get_ifindex(link), rtnl_link_get_link(link),
                       uint16_t(rtnl_link_vlan_get_id(link))});
  });
}

}  // namespace

Result<std::unique_ptr<KernelFollower>> KernelFollower::open() {
  std::unique_ptr<KernelFollower> f(new KernelFollower());
  f->events_ = nl_socket_alloc();
  f->sync_ = nl_socket_alloc();
  if (!f->events_ || !f->sync_) return fail("cannot allocate netlink sockets");
  if (int rc = nl_connect(f->events_, NETLINK_ROUTE); rc < 0)
    return fail(std::string("netlink: ") + nl_geterror(rc));
  if (int rc = nl_connect(f->sync_, NETLINK_ROUTE); rc < 0)
    return fail(std::string("netlink: ") + nl_geterror(rc));
  if (int rc = nl_socket_add_memberships(f->events_, RTNLGRP_LINK, RTNLGRP_NEIGH,
                                         RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_IFADDR, 0);
      rc < 0)
    return fail(std::string("netlink memberships: ") + nl_geterror(rc));
  nl_socket_set_nonblocking(f->events_);
  nl_socket_set_buffer_size(f->events_, 4 << 20, 0);
  return f;
}

KernelFollower::~KernelFollower() {
  if (events_) nl_socket_free(events_);
  if (sync_) nl_socket_free(sync_);
}

int KernelFollower::fd() const { return nl_socket_get_fd(events_); }

void KernelFollower::onReadable() {
  // The events' contents do not matter: any of them means "dump again".
  char buf[16384];
  for (int i = 0; i < 4096; ++i) {
    const ssize_t n = recv(fd(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      dirty_ = true;
    } else if (n < 0 && errno == ENOBUFS) {
      ++overruns_;  // the kernel dropped events; the full dump catches up
      dirty_ = true;
    } else {
      return;  // EAGAIN: drained
    }
  }
}

Result<dp::KernelTables> KernelFollower::dump() {
  // Still dirty if a dump fails (e.g. interrupted by changes): the caller tries again.
  dp::KernelTables t;
  nl_cache* cache = nullptr;
  if (int rc = rtnl_route_alloc_cache(sync_, AF_INET, 0, &cache); rc < 0)
    return fail(std::string("cannot read routes: ") + nl_geterror(rc));
  readRoutes(cache, t);
  nl_cache_free(cache);
  if (int rc = rtnl_neigh_alloc_cache(sync_, &cache); rc < 0)
    return fail(std::string("cannot read neighbours: ") + nl_geterror(rc));
  readNeighbours(cache, t);
  nl_cache_free(cache);
  if (int rc = rtnl_addr_alloc_cache(sync_, &cache); rc < 0)
    return fail(std::string("cannot read addresses: ") + nl_geterror(rc));
  readAddresses(cache, t);
  nl_cache_free(cache);
  if (int rc = rtnl_link_alloc_cache(sync_, AF_UNSPEC, &cache); rc < 0)
    return fail(std::string("cannot read links: ") + nl_geterror(rc));
  readVlans(cache, t);
  nl_cache_free(cache);
  dirty_ = false;
  return t;
}

}  // namespace vlb::mgmt
