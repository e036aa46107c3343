// The L4 service objects of the configuration: what a valid file becomes, and how each kind of
// bad input is refused.
#include <gtest/gtest.h>

#include <string>

#include "mgmt/config/config.h"

namespace vlb::config {
namespace {

// The lab's ports with the given "snat_pools" and "virtual_services" JSON after them.
std::string withServices(const std::string& pools, const std::string& services) {
  return R"({"ports": [
      {"name": "ext", "role": "external", "devargs": "net_af_packet0,iface=ext0",
       "addresses": ["198.51.100.1/24"]},
      {"name": "int", "role": "internal", "devargs": "net_af_packet1,iface=int0",
       "addresses": ["192.0.2.1/24"]}],
    "snat_pools": )" + pools + R"(, "virtual_services": )" + services + "}";
}

std::string service(const std::string& fields) {
  return R"([{"name": "web", "vip": "203.0.113.10", "protocol": "tcp", "port": 443)" +
         (fields.empty() ? "" : ", " + fields) + "}]";
}

std::string refusal(const std::string& json) {
  auto cfg = parseConfig(json);
  return cfg.ok() ? "(accepted)" : cfg.error();
}

TEST(ConfigServices, AFullServiceIsRead) {
  auto cfg = parseConfig(withServices(
      R"([{"name": "edge-out", "addresses": ["203.0.113.50", "203.0.113.51"]}])",
      R"([{"name": "lync-edge-av", "vip": "203.0.113.10", "protocol": "udp", "port": "50000-59999",
           "scheduler": "maglev", "persistence": {"mode": "source-ip", "prefix_length": 24, "timeout_s": 600},
           "snat": "edge-out", "idle_timeout_s": 120, "on_real_down": "reset",
           "reals": [{"address": "192.0.2.11", "weight": 3}, {"address": "192.0.2.12", "enabled": false}]},
          {"name": "web", "vip": "203.0.113.10", "protocol": "tcp", "port": 443, "snat": "none",
           "tcp_profile": {"loose_init": true, "loose_close": true},
           "reals": [{"address": "192.0.2.11", "port": 4443}]}])"));
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  ASSERT_EQ(cfg->snat_pools.size(), 1u);
  EXPECT_EQ(cfg->snat_pools[0].addresses[1].text, "203.0.113.51");
  ASSERT_EQ(cfg->virtual_services.size(), 2u);
  const VirtualService& av = cfg->virtual_services[0];
  EXPECT_EQ(av.protocol, Protocol::kUdp);
  EXPECT_EQ(av.port_first, 50000);
  EXPECT_EQ(av.port_last, 59999);
  EXPECT_EQ(av.scheduler, Scheduler::kMaglev);
  EXPECT_TRUE(av.persistence.enabled);
  EXPECT_EQ(av.persistence.prefix_length, 24);
  EXPECT_EQ(av.persistence.timeout_s, 600u);
  EXPECT_EQ(av.snat.mode, Snat::Mode::kPool);
  EXPECT_EQ(av.snat.pool, "edge-out");
  EXPECT_EQ(av.idle_timeout_s, 120u);
  EXPECT_EQ(av.on_real_down, OnRealDown::kReset);
  ASSERT_EQ(av.reals.size(), 2u);
  EXPECT_EQ(av.reals[0].weight, 3u);
  EXPECT_EQ(av.reals[0].port, 0);
  EXPECT_FALSE(av.reals[1].enabled);
  const VirtualService& web = cfg->virtual_services[1];
  EXPECT_EQ(web.snat.mode, Snat::Mode::kNone);
  EXPECT_TRUE(web.tcp.loose_init);
  EXPECT_TRUE(web.tcp.loose_close);
  EXPECT_EQ(web.reals[0].port, 4443);
}

TEST(ConfigServices, DefaultsFollowTheProtocol) {
  auto cfg = parseConfig(withServices("[]", service(R"("reals": [{"address": "192.0.2.11"}])")));
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  const VirtualService& vs = cfg->virtual_services[0];
  EXPECT_EQ(vs.scheduler, Scheduler::kRr);
  EXPECT_EQ(vs.snat.mode, Snat::Mode::kAutomap);
  EXPECT_EQ(vs.idle_timeout_s, 1800u);
  EXPECT_FALSE(vs.persistence.enabled);
  EXPECT_EQ(vs.on_real_down, OnRealDown::kKeep);
  EXPECT_EQ(vs.reals[0].weight, 1u);
  EXPECT_TRUE(vs.reals[0].enabled);
  auto udp = parseConfig(withServices("[]", R"([{"name": "dns", "vip": "203.0.113.53",
                                                 "protocol": "udp", "port": "any"}])"));
  ASSERT_TRUE(udp.ok()) << udp.error();
  EXPECT_EQ(udp->virtual_services[0].idle_timeout_s, 300u);
  EXPECT_EQ(udp->virtual_services[0].port_first, 1);
  EXPECT_EQ(udp->virtual_services[0].port_last, 65535);
}

struct Bad {
  std::string pools, services, message;
};

class ConfigServicesRefused : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigServicesRefused, NamesObjectFieldAndValue) {
  EXPECT_EQ(refusal(withServices(GetParam().pools, GetParam().services)), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Messages, ConfigServicesRefused, ::testing::Values(
  Bad{"[]", service(R"("schedular": "rr")"),
      R"(virtual_services[0] "web": unknown field "schedular")"},
  Bad{"[]", R"([{"vip": "203.0.113.10", "protocol": "tcp", "port": 80}])",
      R"(virtual_services[0]: missing field "name")"},
  Bad{"[]", R"([{"name": "web", "vip": "2001:db8::10", "protocol": "tcp", "port": 80}])",
      R"(virtual_services[0] "web": field "vip": 2001:db8::10 is IPv6; services, NAT and SNAT pools are IPv4 for now)"},
  Bad{"[]", R"([{"name": "web", "vip": "203.0.113.10", "protocol": "sctp", "port": 80}])",
      R"(virtual_services[0] "web": field "protocol": "sctp" is not one of "tcp", "udp")"},
  Bad{"[]", R"([{"name": "web", "vip": "203.0.113.10", "protocol": "tcp", "port": 70000}])",
      R"(virtual_services[0] "web": field "port": 70000 is not a port (expected 1-65535, a range "50000-59999" or "any"))"},
  Bad{"[]", R"([{"name": "web", "vip": "203.0.113.10", "protocol": "tcp", "port": "9-5"}])",
      R"(virtual_services[0] "web": field "port": "9-5" is not a range (the first port must be below the last))"},
  Bad{"[]", service(R"("scheduler": "random")"),
      R"(virtual_services[0] "web": field "scheduler": "random" is not one of "rr", "wrr", "lc", "wlc", "sh", "maglev")"},
  Bad{"[]", service(R"("snat": "nope")"),
      R"(virtual_services[0] "web": field "snat": "nope" is not "automap", "none" or a name in snat_pools)"},
  Bad{"[]", service(R"("persistence": {"mode": "cookie"})"),
      R"(virtual_services[0] "web": persistence: field "mode": "cookie" is not a persistence mode (expected "source-ip"))"},
  Bad{"[]", service(R"("persistence": {"mode": "source-ip", "prefix_length": 33})"),
      R"(virtual_services[0] "web": persistence: field "prefix_length": 33 is not between 0 and 32)"},
  Bad{"[]", R"([{"name": "dns", "vip": "203.0.113.53", "protocol": "udp", "port": 53, "tcp_profile": {}}])",
      R"(virtual_services[0] "dns": field "tcp_profile": applies to TCP services only)"},
  Bad{"[]", service(R"("reals": [{"address": "192.0.2.11", "weight": 70000}])"),
      R"(virtual_services[0] "web": reals[0]: field "weight": 70000 is not between 0 and 65535)"},
  Bad{"[]", service(R"("reals": [{"address": "192.0.2.11"}, {"address": "192.0.2.11"}])"),
      R"(virtual_services[0] "web": reals[1]: field "address": 192.0.2.11 is already reals[0])"},
  Bad{"[]", service(R"("reals": [{"adress": "192.0.2.11"}])"),
      R"(virtual_services[0] "web": reals[0]: unknown field "adress")"},
  Bad{"[]", R"([{"name": "av", "vip": "203.0.113.10", "protocol": "udp", "port": "50000-59999",
                 "reals": [{"address": "192.0.2.11", "port": 3478}]}])",
      R"(virtual_services[0] "av": reals[0]: field "port": must be left out for a port range: the real gets the client's port)"},
  Bad{"[]", R"([{"name": "web", "vip": "198.51.100.1", "protocol": "tcp", "port": 443}])",
      R"(virtual_services[0] "web": field "vip": 198.51.100.1 is a self IP of port "ext")"},
  Bad{"[]", R"([{"name": "a", "vip": "203.0.113.10", "protocol": "tcp", "port": "any"},
                {"name": "b", "vip": "203.0.113.10", "protocol": "tcp", "port": 443}])",
      R"(virtual_services[1] "b": field "port": overlaps virtual service "a" on 203.0.113.10 tcp)"},
  Bad{"[]", R"([{"name": "a", "vip": "203.0.113.10", "protocol": "tcp", "port": 80},
                {"name": "a", "vip": "203.0.113.11", "protocol": "tcp", "port": 80}])",
      R"(virtual_services[1] "a": field "name": "a" is already virtual_services[0])"},
  Bad{R"([{"name": "p", "addresses": []}])", "[]",
      R"(snat_pools[0] "p": field "addresses": the list is empty)"},
  Bad{R"([{"name": "p", "addresses": ["203.0.113.50"]}, {"name": "q", "addresses": ["203.0.113.50"]}])", "[]",
      R"(snat_pools[1] "q": field "addresses[0]": 203.0.113.50 is already in SNAT pool "p")"}
));

}  // namespace
}  // namespace vlb::config
