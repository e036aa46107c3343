// The "vlans" object: a good one parsed into the model, each refusal worded with the object,
// the field and the value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "mgmt/config/config.h"

namespace vlb::config {
namespace {

using Json = nlohmann::json;

Json labWith(Json vlans) {
  Json j = Json::parse(defaultConfigJson());
  j["vlans"] = std::move(vlans);
  return j;
}

std::string errorOf(const Json& j) {
  Result<Config> cfg = parseConfig(j.dump());
  return cfg.ok() ? "(accepted)" : cfg.error();
}

Json vlan(const std::string& name, const std::string& port, Json id) {
  return {{"name", name}, {"port", port}, {"id", std::move(id)}};
}

TEST(ConfigVlans, ParsesNamePortIdAddressesAndMtu) {
  Json v = vlan("int.100", "int", 100);
  v["addresses"] = {"198.18.100.1/24"};
  v["mtu"] = 1400;
  Result<Config> cfg = parseConfig(labWith({v, vlan("ext.7", "ext", 7)}).dump());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  ASSERT_EQ(cfg->vlans.size(), 2u);
  EXPECT_EQ(cfg->vlans[0].name, "int.100");
  EXPECT_EQ(cfg->vlans[0].port, "int");
  EXPECT_EQ(cfg->vlans[0].id, 100);
  ASSERT_EQ(cfg->vlans[0].addresses.size(), 1u);
  EXPECT_EQ(cfg->vlans[0].addresses[0].text, "198.18.100.1/24");
  EXPECT_EQ(cfg->vlans[0].mtu, 1400u);
  EXPECT_EQ(cfg->vlans[1].mtu, 0u);  // the port's
}

TEST(ConfigVlans, DefaultGatewayMayBeOnAVlanSubnet) {
  Json v = vlan("int.100", "int", 100);
  v["addresses"] = {"198.18.100.1/24"};
  Json j = labWith(Json::array({v}));
  j["system"] = {{"default_gateway", "198.18.100.254"}};
  Result<Config> cfg = parseConfig(j.dump());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->system.default_gateway->text, "198.18.100.254");
}

struct Bad {
  const char* name;
  Json vlans;
  const char* error;
};

class ConfigVlanRefusals : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigVlanRefusals, NameTheObjectFieldAndValue) {
  EXPECT_EQ(errorOf(labWith(GetParam().vlans)), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigVlanRefusals,
    ::testing::Values(
        Bad{"IdZero", Json::array({vlan("int.0", "int", 0)}),
            R"(vlans[0] "int.0": field "id": 0 is not a VLAN id (1 to 4094))"},
        Bad{"IdTooBig", Json::array({vlan("int.4095", "int", 4095)}),
            R"(vlans[0] "int.4095": field "id": 4095 is not a VLAN id (1 to 4094))"},
        Bad{"IdNotANumber", Json::array({vlan("int.x", "int", "100")}),
            R"(vlans[0] "int.x": field "id": "100" is not a VLAN id (1 to 4094))"},
        Bad{"UnknownPort", Json::array({vlan("dmz.5", "dmz", 5)}),
            R"(vlans[0] "dmz.5": field "port": "dmz" is not a port)"},
        Bad{"DuplicateIdOnAPort", Json::array({vlan("int.100", "int", 100), vlan("v100", "int", 100)}),
            R"(vlans[1] "v100": field "id": 100 is already vlans[0] "int.100" on port "int")"},
        Bad{"DuplicateName", Json::array({vlan("v1", "int", 100), vlan("v1", "ext", 100)}),
            R"(vlans[1] "v1": field "name": "v1" is already vlans[0] "v1")"},
        Bad{"NameOfAPort", Json::array({vlan("int", "ext", 3)}),
            R"(vlans[0] "int": field "name": "int" is already the name of port "int" or its twin)"},
        Bad{"BadName", Json::array({vlan("Int 100", "int", 100)}),
            R"(vlans[0]: field "name": "Int 100" is not a valid interface name (1 to 15 of a-z, 0-9, _, - and .))"},
        Bad{"MissingId", Json::array({{{"name", "int.9"}, {"port", "int"}}}),
            R"(vlans[0] "int.9": missing field "id")"},
        Bad{"UnknownField", Json::array({{{"name", "int.9"}, {"port", "int"}, {"id", 9}, {"tag", 9}}}),
            R"(vlans[0] "int.9": unknown field "tag")"},
        Bad{"SelfIpOfAPort",
            Json::array({{{"name", "int.9"}, {"port", "int"}, {"id", 9}, {"addresses", {"192.0.2.1/24"}}}}),
            R"(vlans[0] "int.9": field "addresses[0]": 192.0.2.1 is already used by port "int")"},
        Bad{"MtuAboveThePort",
            Json::array({{{"name", "int.9"}, {"port", "int"}, {"id", 9}, {"mtu", 9000}}}),
            R"(vlans[0] "int.9": field "mtu": 9000 is above the MTU of port "int" (1500))"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vlb::config
