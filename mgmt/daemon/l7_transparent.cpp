// L7 services with `transparent`: the proxy connects to a real from the client's own address
// (IP_TRANSPARENT), so the real answers to the client's address through the appliance, its
// gateway. The datapath hands such answers (TCP from a transparent real's address and port, no
// flow of its own) to the kernel twin instead of routing them (dp::l4::Services::to_kernel); the
// kernel must then deliver them to the proxy's socket rather than route them: one policy rule per
// real (from REAL, tcp, source port PORT) looks up a table whose only route is
// `local 0.0.0.0/0 dev lo`. The kernel follower reads the main table only, so that table stays
// out of the datapath's FIB.
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/twin/twin_netlink.h"

namespace vlb::mgmt {
namespace {

constexpr uint32_t kTransparentTable = 7438;  // vlbd's own routing table number
constexpr uint32_t kTransparentRulePriority = 7438;

Status changeLocalTable(nl_sock* sock, bool remove) {
  nl_addr* any = nullptr;
  if (nl_addr_parse("0.0.0.0/0", AF_INET, &any) < 0) return fail("transparent: cannot parse 0.0.0.0/0");
  rtnl_route* r = rtnl_route_alloc();
  rtnl_route_set_family(r, AF_INET);
  rtnl_route_set_dst(r, any);
  rtnl_route_set_table(r, kTransparentTable);
  rtnl_route_set_type(r, RTN_LOCAL);
  rtnl_route_set_scope(r, RT_SCOPE_HOST);
  rtnl_route_set_protocol(r, RTPROT_STATIC);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, int(if_nametoindex("lo")));
  rtnl_route_add_nexthop(r, nh);
  const int rc = remove ? rtnl_route_delete(sock, r, 0) : rtnl_route_add(sock, r, NLM_F_REPLACE);
  rtnl_route_put(r);
  nl_addr_put(any);
  if (rc < 0 && !(remove && rc == -NLE_OBJ_NOTFOUND))
    return fail(std::string("transparent: local route table: ") + nl_geterror(rc));
  return Ok{};
}

Status changeRule(nl_sock* sock, const TransparentReal& real, bool remove) {
  nl_addr* src = nullptr;
  if (nl_addr_parse((real.text + "/32").c_str(), AF_INET, &src) < 0)
    return fail("transparent: cannot parse " + real.text);
  rtnl_rule* rule = rtnl_rule_alloc();
  rtnl_rule_set_family(rule, AF_INET);
  rtnl_rule_set_prio(rule, kTransparentRulePriority);
  rtnl_rule_set_src(rule, src);
  rtnl_rule_set_ipproto(rule, IPPROTO_TCP);
  rtnl_rule_set_sport(rule, real.port);
  rtnl_rule_set_table(rule, kTransparentTable);
  rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
  const int rc = remove ? rtnl_rule_delete(sock, rule, 0) : rtnl_rule_add(sock, rule, NLM_F_EXCL);
  rtnl_rule_put(rule);
  nl_addr_put(src);
  if (rc < 0 && !(remove && rc == -NLE_OBJ_NOTFOUND) && !(!remove && rc == -NLE_EXIST))
    return fail("transparent: rule for " + real.text + ":" + std::to_string(real.port) + ": " +
                nl_geterror(rc));
  return Ok{};
}

}  // namespace

std::set<TransparentReal> transparentRealsOf(const config::Config& cfg) {
  std::set<TransparentReal> out;
  for (const auto& s : cfg.l7_services) {
    if (!s.transparent) continue;
    const uint16_t service_port = s.port ? s.port : s.protocol == config::L7Protocol::kHttps ? 443 : 80;
    for (const auto& pool : s.pools)
      for (const auto& real : pool.reals)
        if (real.address.family == AF_INET)
          out.insert({ipv4HostOrder(real.address), real.port ? real.port : service_port, real.address.text});
  }
  return out;
}

Status Appliance::syncTransparentRules(const config::Config& next) {
  const auto wanted = transparentRealsOf(next);
  if (wanted == transparent_rules_) return Ok{};
  twin_netlink::NlSocket sock;
  if (!sock.get()) return fail("transparent: cannot open a netlink socket");
  if (!wanted.empty() && transparent_rules_.empty())
    if (auto st = changeLocalTable(sock.get(), false); !st) return st;
  for (const auto& real : wanted)
    if (!transparent_rules_.count(real)) {
      if (auto st = changeRule(sock.get(), real, false); !st) return st;
      transparent_rules_.insert(real);
    }
  for (auto it = transparent_rules_.begin(); it != transparent_rules_.end();) {
    if (wanted.count(*it)) {
      ++it;
      continue;
    }
    if (auto st = changeRule(sock.get(), *it, true); !st) logLine(st.error());
    it = transparent_rules_.erase(it);
  }
  if (transparent_rules_.empty())
    if (auto st = changeLocalTable(sock.get(), true); !st) logLine(st.error());
  return Ok{};
}

}  // namespace vlb::mgmt
