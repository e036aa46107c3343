// DirectorSwitch and least connections across a rules-only commit: the connections open when a
// new director is installed (busy, or idle in the engine's keep-alive pools) weigh on it at once,
// and closes of connections opened under an older version reach it, also across a real being
// removed and added back.
#include "mgmt/l7/director_switch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_builder.h"
#include "mgmt/l7/shared_state.h"

namespace vlb::mgmt::l7 {
namespace {

using namespace test;
using Kind = ::vlb::l7::proxy::Decision::Kind;

const std::string kA = "192.0.2.11:80", kB = "192.0.2.12:80";

// One lc pool "web" with the reals in this order (each weight 1 unless told).
config::L7Service lcService(const std::vector<std::string>& addresses, unsigned weight_b = 1) {
  auto s = service("web", config::L7Protocol::kHttp, 80);
  std::vector<config::L7Real> reals;
  for (const std::string& a : addresses) {
    reals.push_back(real(a));
    if (a == "192.0.2.12") reals.back().weight = weight_b;
  }
  s.pools = {pool("web", reals)};
  s.pools[0].scheduler = config::L7Scheduler::kLc;
  s.default_action = toPool("web");
  return s;
}

std::unique_ptr<ServiceDirector> make(const config::L7Service& s, SharedState& state) {
  auto d = ServiceDirector::create(s, state);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error());
  return d.ok() ? std::move(*d) : nullptr;
}

// The real_id the switch hands out for `identity` now (routes until lc picks it, at most 8 times:
// with equal counts lc takes the reals in turn).
uint64_t idOf(DirectorSwitch& sw, const std::string& identity) {
  for (int i = 0; i < 8; ++i) {
    auto d = sw.route(Request(get("web", "/")).info());
    if (d.kind == Kind::kForward && endpointText(d.upstream) == identity) return d.upstream.real_id;
  }
  ADD_FAILURE() << "lc never picked " << identity;
  return 0;
}

// Where the next `n` requests go.
std::vector<std::string> picks(DirectorSwitch& sw, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto d = sw.route(Request(get("web", "/")).info());
    out.push_back(d.kind == Kind::kForward ? endpointText(d.upstream) : "local");
  }
  return out;
}

TEST(DirectorSwitch, LeastConnectionsSeesPooledConnectionsAfterARulesOnlyCommit) {
  auto state = SharedState::create("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(state.ok());
  DirectorSwitch sw(make(lcService({"192.0.2.11", "192.0.2.12"}), **state));
  const uint64_t a1 = idOf(sw, kA), b1 = idOf(sw, kB);
  // The engine opened 3 connections to A and 1 to B; their requests ended, they idle in its pool.
  for (int i = 0; i < 3; ++i) sw.onUpstreamOpened(a1);
  sw.onUpstreamOpened(b1);
  EXPECT_EQ(picks(sw, 2), std::vector<std::string>(2, kB));

  // A rules-only commit: the reals listed the other way round (other indexes), B's weight set.
  ASSERT_TRUE(sw.install(make(lcService({"192.0.2.12", "192.0.2.11"}, 1), **state)));
  EXPECT_EQ(sw.openConnections("web", kA), 3);
  EXPECT_EQ(picks(sw, 4), std::vector<std::string>(4, kB));  // 1 open beats 3 open

  // The pooled connections to A close (the engine names them by the version that opened them).
  for (int i = 0; i < 3; ++i) sw.onUpstreamClosed(a1);
  EXPECT_EQ(sw.openConnections("web", kA), 0);
  EXPECT_EQ(picks(sw, 3), std::vector<std::string>(3, kA));  // 0 open beats 1 open
}

TEST(DirectorSwitch, ARealRemovedAndAddedBackKeepsItsCount) {
  auto state = SharedState::create("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(state.ok());
  DirectorSwitch sw(make(lcService({"192.0.2.11", "192.0.2.12"}), **state));
  const uint64_t b1 = idOf(sw, kB);
  sw.onUpstreamOpened(b1);  // one connection to B, opened under version 0
  ASSERT_TRUE(sw.install(make(lcService({"192.0.2.11"}), **state)));  // B removed
  EXPECT_EQ(picks(sw, 2), std::vector<std::string>(2, kA));
  sw.onUpstreamClosed(b1);  // B's connection closes while B is not in the pool
  ASSERT_TRUE(sw.install(make(lcService({"192.0.2.11", "192.0.2.12"}), **state)));  // back
  EXPECT_EQ(sw.openConnections("web", kB), 0);
  sw.onUpstreamOpened(idOf(sw, kA));
  // A has 1, B has 0 (not a count that went below zero): B is picked.
  EXPECT_EQ(picks(sw, 3), std::vector<std::string>(3, kB));
}

}  // namespace
}  // namespace vlb::mgmt::l7
