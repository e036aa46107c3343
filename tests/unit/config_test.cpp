// The config model: the embedded default, a full round trip, and the wording of refusals.
#include "mgmt/config/config.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace vlb::config {
namespace {

using Json = nlohmann::json;

// The lab default as a document to edit: each bad case below changes one thing in it.
Json labDocument() { return Json::parse(defaultConfigJson()); }

std::string errorOf(std::string_view text) {
  Result<Config> cfg = parseConfig(text);
  return cfg.ok() ? "(accepted)" : cfg.error();
}

TEST(ConfigDefault, ParsesIntoTheLabTopology) {
  Result<Config> cfg = parseConfig(defaultConfigJson());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->hostname, "vlb-demo");
  EXPECT_TRUE(cfg->eal.no_huge);
  EXPECT_TRUE(cfg->eal.no_pci);
  EXPECT_TRUE(cfg->eal.in_memory);
  EXPECT_EQ(cfg->eal.file_prefix, "vlb");
  EXPECT_EQ(cfg->eal.memory_mb, 256u);
  EXPECT_EQ(cfg->eal.lcores, "0-1");
  EXPECT_EQ(cfg->control.socket, "/run/vlb/vlbd.sock");
  EXPECT_EQ(cfg->datapath.idle_sleep_us, 50u);
  ASSERT_EQ(cfg->ports.size(), 2u);
  EXPECT_EQ(cfg->ports[0].name, "ext");
  EXPECT_EQ(cfg->ports[0].role, PortRole::kExternal);
  EXPECT_EQ(cfg->ports[0].devargs, "net_af_packet0,iface=ext0");
  EXPECT_EQ(cfg->ports[0].twin, "ext");
  ASSERT_EQ(cfg->ports[0].addresses.size(), 1u);
  EXPECT_EQ(cfg->ports[0].addresses[0].text, "198.51.100.1/24");
  EXPECT_EQ(cfg->ports[1].name, "int");
  EXPECT_EQ(cfg->ports[1].role, PortRole::kInternal);
  EXPECT_EQ(cfg->ports[1].devargs, "net_af_packet1,iface=int0");
  EXPECT_EQ(cfg->ports[1].addresses[0].text, "192.0.2.1/24");
  EXPECT_TRUE(cfg->routes.empty());
}

TEST(ConfigParse, MinimalConfigGetsDefaults) {
  Result<Config> cfg =
      parseConfig(R"({"ports": [{"name": "p0", "role": "dmz", "devargs": "0000:03:00.0"}]})");
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->hostname, "");
  EXPECT_FALSE(cfg->eal.no_huge);
  EXPECT_EQ(cfg->eal.file_prefix, "vlb");
  EXPECT_EQ(cfg->eal.memory_mb, 0u);
  EXPECT_EQ(cfg->control.socket, "/run/vlb/vlbd.sock");
  EXPECT_EQ(cfg->datapath.mbufs, 8191u);
  EXPECT_EQ(cfg->datapath.punt_ring_size, 1024u);
  EXPECT_EQ(cfg->datapath.idle_sleep_us, 0u);
  const Port& p = cfg->ports.at(0);
  EXPECT_EQ(p.role, PortRole::kDmz);
  EXPECT_EQ(p.twin, "p0");
  EXPECT_TRUE(p.addresses.empty());
  EXPECT_EQ(p.mtu, 1500u);
  EXPECT_EQ(p.rx_descriptors, 1024u);
  EXPECT_EQ(p.tx_descriptors, 1024u);
}

TEST(ConfigParse, EveryFieldRoundTrips) {
  Result<Config> cfg = parseConfig(R"json({
    "hostname": "lb1.example.net",
    "eal": {"no_huge": true, "no_pci": false, "in_memory": true, "file_prefix": "vlb_test-1",
            "memory_mb": 1024, "lcores": "0,2-3@(4,5)", "extra_args": ["--log-level=8", "-n", "4"]},
    "control": {"socket": "/tmp/vlbd.sock"},
    "datapath": {"mbufs": 16383, "punt_ring_size": 256, "idle_sleep_us": 100},
    "ports": [
      {"name": "wan", "role": "external", "devargs": "net_af_packet0,iface=veth0", "twin": "vwan",
       "addresses": ["198.51.100.10/24", "2001:DB8:0:0::A/64"], "mtu": 9000,
       "rx_descriptors": 4096, "tx_descriptors": 512},
      {"name": "lan", "role": "internal", "devargs": "net_af_packet1,iface=veth1",
       "addresses": ["192.0.2.1/25"]},
      {"name": "dmz0", "role": "dmz", "devargs": "0000:03:00.0", "addresses": []}
    ],
    "routes": [
      {"destination": "0.0.0.0/0", "gateway": "198.51.100.254"},
      {"destination": "2001:db8:ffff::5/48", "gateway": "2001:db8::fe"},
      {"destination": "10.0.0.0/8", "gateway": "192.0.2.126"}
    ]
  })json");
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->hostname, "lb1.example.net");
  EXPECT_TRUE(cfg->eal.no_huge);
  EXPECT_FALSE(cfg->eal.no_pci);
  EXPECT_TRUE(cfg->eal.in_memory);
  EXPECT_EQ(cfg->eal.file_prefix, "vlb_test-1");
  EXPECT_EQ(cfg->eal.memory_mb, 1024u);
  EXPECT_EQ(cfg->eal.lcores, "0,2-3@(4,5)");
  EXPECT_EQ(cfg->eal.extra_args, (std::vector<std::string>{"--log-level=8", "-n", "4"}));
  EXPECT_EQ(cfg->control.socket, "/tmp/vlbd.sock");
  EXPECT_EQ(cfg->datapath.mbufs, 16383u);
  EXPECT_EQ(cfg->datapath.punt_ring_size, 256u);
  EXPECT_EQ(cfg->datapath.idle_sleep_us, 100u);

  ASSERT_EQ(cfg->ports.size(), 3u);
  const Port& wan = cfg->ports[0];
  EXPECT_EQ(wan.name, "wan");
  EXPECT_EQ(wan.role, PortRole::kExternal);
  EXPECT_EQ(wan.devargs, "net_af_packet0,iface=veth0");
  EXPECT_EQ(wan.twin, "vwan");
  ASSERT_EQ(wan.addresses.size(), 2u);
  EXPECT_EQ(wan.addresses[0].text, "198.51.100.10/24");
  EXPECT_EQ(wan.addresses[0].length, 24);
  EXPECT_EQ(wan.addresses[0].address.family, AF_INET);
  EXPECT_EQ(wan.addresses[0].address.text, "198.51.100.10");
  EXPECT_EQ(wan.addresses[1].text, "2001:db8::a/64");  // canonical form
  EXPECT_EQ(wan.addresses[1].address.family, AF_INET6);
  EXPECT_EQ(wan.mtu, 9000u);
  EXPECT_EQ(wan.rx_descriptors, 4096u);
  EXPECT_EQ(wan.tx_descriptors, 512u);
  EXPECT_EQ(cfg->ports[1].role, PortRole::kInternal);
  EXPECT_EQ(cfg->ports[1].twin, "lan");
  EXPECT_EQ(cfg->ports[2].role, PortRole::kDmz);
  EXPECT_TRUE(cfg->ports[2].addresses.empty());

  ASSERT_EQ(cfg->routes.size(), 3u);
  EXPECT_EQ(cfg->routes[0].destination.text, "0.0.0.0/0");
  EXPECT_EQ(cfg->routes[0].gateway.text, "198.51.100.254");
  EXPECT_EQ(cfg->routes[1].destination.text, "2001:db8:ffff::5/48");  // host bits kept
  EXPECT_EQ(cfg->routes[1].destination.length, 48);
  EXPECT_EQ(cfg->routes[1].gateway.text, "2001:db8::fe");
  EXPECT_EQ(cfg->routes[2].gateway.text, "192.0.2.126");
}

TEST(ConfigParse, DefaultDocumentSurvivesAReserialisation) {
  // The edits in the bad cases start from this; it must be accepted as it is.
  EXPECT_EQ(errorOf(labDocument().dump()), "(accepted)");
}

// Each case edits the lab document (or gives raw text) and expects one exact message.
struct BadCase {
  const char* name;
  std::function<void(Json&)> edit;
  const char* expected;
  const char* raw = nullptr;  // used instead of the edited document when set
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ConfigRefuses : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigRefuses, WithTheExpectedMessage) {
  const BadCase& c = GetParam();
  std::string text;
  if (c.raw != nullptr) {
    text = c.raw;
  } else {
    Json doc = labDocument();
    c.edit(doc);
    text = doc.dump(2);
  }
  EXPECT_EQ(errorOf(text), c.expected) << text;
}

const auto kNoEdit = [](Json&) {};

const BadCase kBadCases[] = {
    {"SyntaxErrorHasLineAndColumn", kNoEdit,
     "line 3, column 20: unexpected '}'; expected string literal",
     "{\n  \"ports\": [\n    {\"name\": \"ext\",}\n  ]\n}"},
    {"EmptyText", kNoEdit,
     "line 1, column 1: unexpected end of input; expected '[', '{', or a literal", ""},
    {"TruncatedText", kNoEdit,
     "line 2, column 12: unexpected end of input; expected '[', '{', or a literal",
     "{\n  \"ports\": "},
    {"TopLevelNotObject", kNoEdit, "the configuration must be a JSON object, not array", "[]"},
    {"FieldTwiceInOneObject", kNoEdit, "ports[0]: field \"mtu\" appears twice",
     R"({"ports": [{"name": "a", "mtu": 1500, "mtu": 9000}]})"},
    {"AbsurdNesting", kNoEdit,
     "routes[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting deeper "
     "than 16 levels",
     R"({"routes": [[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]})"},
    {"UnknownTopLevelField", [](Json& j) { j["port"] = Json::array(); }, "unknown field \"port\""},
    {"UnknownPortField", [](Json& j) { j["ports"][0]["adresses"] = Json::array(); },
     "ports[0] \"ext\": unknown field \"adresses\""},
    {"UnknownEalField", [](Json& j) { j["eal"]["hugepages"] = false; },
     "eal: unknown field \"hugepages\""},
    {"UnknownRouteField",
     [](Json& j) {
       j["routes"] = {{{"destination", "0.0.0.0/0"}, {"via", "192.0.2.254"}}};
     },
     "routes[0]: unknown field \"via\""},
    {"BoolOfWrongType", [](Json& j) { j["eal"]["no_huge"] = "yes"; },
     "eal: field \"no_huge\": \"yes\" is not a boolean (true or false)"},
    {"NumberOfWrongType", [](Json& j) { j["ports"][0]["mtu"] = "1500"; },
     "ports[0] \"ext\": field \"mtu\": \"1500\" is not an integer"},
    {"FractionalNumber", [](Json& j) { j["ports"][0]["mtu"] = 1500.5; },
     "ports[0] \"ext\": field \"mtu\": 1500.5 is not an integer"},
    {"StringOfWrongType", [](Json& j) { j["hostname"] = 5; },
     "field \"hostname\": 5 is not a string"},
    {"ObjectOfWrongType", [](Json& j) { j["eal"] = Json::array(); },
     "field \"eal\": [] is not an object"},
    {"ArrayOfWrongType", [](Json& j) { j["ports"] = Json::object(); },
     "field \"ports\": {} is not an array"},
    {"PortNotAnObject", [](Json& j) { j["ports"][1] = "int"; },
     "ports[1]: \"int\" is not an object"},
    {"ExtraArgNotAString",
     [](Json& j) {
       j["eal"]["extra_args"] = {"-n", 4};
     },
     "eal: field \"extra_args[1]\": 4 is not a string"},
    {"MissingPorts", [](Json& j) { j.erase("ports"); }, "missing field \"ports\""},
    {"EmptyPorts", [](Json& j) { j["ports"] = Json::array(); },
     "field \"ports\": the list is empty (at least one port is needed)"},
    {"MissingPortRole", [](Json& j) { j["ports"][1].erase("role"); },
     "ports[1] \"int\": missing field \"role\""},
    {"BadRole", [](Json& j) { j["ports"][0]["role"] = "outside"; },
     "ports[0] \"ext\": field \"role\": \"outside\" is not a role (expected \"external\", "
     "\"internal\" or \"dmz\")"},
    {"BadPortName", [](Json& j) { j["ports"][0]["name"] = "Ext!"; },
     "ports[0]: field \"name\": \"Ext!\" is not a valid interface name (1 to 15 of a-z, 0-9, _ "
     "and -)"},
    {"PortNameTooLong", [](Json& j) { j["ports"][0]["name"] = "abcdefghijklmnop"; },
     "ports[0]: field \"name\": \"abcdefghijklmnop\" is not a valid interface name (1 to 15 of "
     "a-z, 0-9, _ and -)"},
    {"EmptyDevargs", [](Json& j) { j["ports"][0]["devargs"] = ""; },
     "ports[0] \"ext\": field \"devargs\": \"\" is empty (expected a PCI address or a vdev, e.g. "
     "\"net_af_packet0,iface=eth1\")"},
    {"DuplicateName", [](Json& j) { j["ports"][1]["name"] = "ext"; },
     "ports[1] \"ext\": field \"name\": \"ext\" is already used by ports[0]"},
    {"DuplicateDevargs", [](Json& j) { j["ports"][1]["devargs"] = "net_af_packet0,iface=ext0"; },
     "ports[1] \"int\": field \"devargs\": \"net_af_packet0,iface=ext0\" is already used by port "
     "\"ext\""},
    {"DuplicateDevice", [](Json& j) { j["ports"][1]["devargs"] = "net_af_packet0,iface=int0"; },
     "ports[1] \"int\": field \"devargs\": \"net_af_packet0,iface=int0\" names device "
     "\"net_af_packet0\", already used by port \"ext\""},
    {"DuplicateTwin", [](Json& j) { j["ports"][1]["twin"] = "ext"; },
     "ports[1] \"int\": field \"twin\": \"ext\" is already the twin of port \"ext\""},
    {"DefaultTwinClashes", [](Json& j) { j["ports"][0]["twin"] = "int"; },
     "ports[1] \"int\": field \"name\": \"int\" (the default twin name) is already the twin of "
     "port \"ext\""},
    {"TwinIsTheVdevInterface", [](Json& j) { j["ports"][0]["twin"] = "int0"; },
     "ports[0] \"ext\": field \"twin\": \"int0\" is the kernel interface that port \"int\" opens"},
    {"DuplicateAddressAcrossPorts",
     [](Json& j) { j["ports"][1]["addresses"] = {"198.51.100.1/25"}; },
     "ports[1] \"int\": field \"addresses[0]\": 198.51.100.1 is already used by port \"ext\""},
    {"DuplicateAddressInOnePort",
     [](Json& j) {
       j["ports"][1]["addresses"] = {"2001:db8::1/64", "2001:DB8::0:1/64"};
     },
     "ports[1] \"int\": field \"addresses[1]\": 2001:db8::1 is already addresses[0]"},
    {"BadPrefix", [](Json& j) { j["ports"][1]["addresses"] = {"192.0.2.300/24"}; },
     "ports[1] \"int\": field \"addresses[0]\": \"192.0.2.300/24\" is not an IP prefix (expected "
     "e.g. 192.0.2.1/24)"},
    {"BareAddress", [](Json& j) { j["ports"][1]["addresses"] = {"192.0.2.1"}; },
     "ports[1] \"int\": field \"addresses[0]\": \"192.0.2.1\" has no prefix length (expected e.g. "
     "192.0.2.1/24)"},
    {"PrefixTooLong", [](Json& j) { j["ports"][1]["addresses"] = {"2001:db8::1/129"}; },
     "ports[1] \"int\": field \"addresses[0]\": \"2001:db8::1/129\" has a prefix length above 128"},
    {"MtuOutOfRange", [](Json& j) { j["ports"][0]["mtu"] = 100; },
     "ports[0] \"ext\": field \"mtu\": 100 is not between 576 and 9000"},
    {"DescriptorsNotPowerOfTwo", [](Json& j) { j["ports"][0]["rx_descriptors"] = 1000; },
     "ports[0] \"ext\": field \"rx_descriptors\": 1000 is not a power of two between 64 and 16384"},
    {"RingNotPowerOfTwo", [](Json& j) { j["datapath"]["punt_ring_size"] = 1000; },
     "datapath: field \"punt_ring_size\": 1000 is not a power of two between 64 and 65536"},
    {"NegativeSleep", [](Json& j) { j["datapath"]["idle_sleep_us"] = -1; },
     "datapath: field \"idle_sleep_us\": -1 is not between 0 and 100000"},
    {"TooFewMbufs", [](Json& j) { j["datapath"]["mbufs"] = 100; },
     "datapath: field \"mbufs\": 100 is not between 1023 and 1048575"},
    {"MemoryTooSmall", [](Json& j) { j["eal"]["memory_mb"] = 32; },
     "eal: field \"memory_mb\": 32 is not 0 or between 64 and 65536"},
    {"BadFilePrefix", [](Json& j) { j["eal"]["file_prefix"] = "../vlb"; },
     "eal: field \"file_prefix\": \"../vlb\" is not a valid file prefix (1 to 32 of A-Z, a-z, "
     "0-9, _ and -)"},
    {"BadLcores", [](Json& j) { j["eal"]["lcores"] = "0-1 --vdev=x"; },
     "eal: field \"lcores\": \"0-1 --vdev=x\" is not an lcore list (digits and , - @ ( ) only, "
     "e.g. \"0-1\")"},
    {"RelativeSocket", [](Json& j) { j["control"]["socket"] = "vlbd.sock"; },
     "control: field \"socket\": \"vlbd.sock\" is not an absolute path"},
    {"BadMetricsAddress", [](Json& j) { j["control"]["metrics_address"] = "192.0.2.300"; },
     "control: field \"metrics_address\": \"192.0.2.300\" is not an IP address (expected e.g. "
     "192.0.2.1 or 2001:db8::1)"},
    {"BadMetricsPort", [](Json& j) { j["control"]["metrics_port"] = 0; },
     "control: field \"metrics_port\": 0 is not between 1 and 65535"},
    {"BadHostname", [](Json& j) { j["hostname"] = "-vlb.example"; },
     "field \"hostname\": \"-vlb.example\" is not a valid hostname (RFC 1123: labels of letters, "
     "digits and -)"},
    {"RouteMissingGateway",
     [](Json& j) {
       j["routes"] = {{{"destination", "0.0.0.0/0"}}};
     },
     "routes[0]: missing field \"gateway\""},
    {"RouteBadDestination",
     [](Json& j) {
       j["routes"] = {{{"destination", "default"}, {"gateway", "198.51.100.254"}}};
     },
     "routes[0]: field \"destination\": \"default\" has no prefix length (expected e.g. "
     "192.0.2.1/24)"},
    {"GatewayOffSubnet",
     [](Json& j) {
       j["routes"] = {{{"destination", "0.0.0.0/0"}, {"gateway", "203.0.113.9"}}};
     },
     "routes[0]: field \"gateway\": 203.0.113.9 is not on any port's subnet"},
    {"GatewayOtherFamily",
     [](Json& j) {
       j["routes"] = {{{"destination", "0.0.0.0/0"}, {"gateway", "2001:db8::1"}}};
     },
     "routes[0]: field \"gateway\": 2001:db8::1 is IPv6 but destination 0.0.0.0/0 is IPv4"},
    {"GatewayIsSelfIp",
     [](Json& j) {
       j["routes"] = {{{"destination", "0.0.0.0/0"}, {"gateway", "192.0.2.1"}}};
     },
     "routes[0]: field \"gateway\": 192.0.2.1 is a self IP of port \"int\""},
    {"DuplicateRoute",
     [](Json& j) {
       j["routes"] = {{{"destination", "10.0.0.0/8"}, {"gateway", "192.0.2.2"}},
                      {{"destination", "10.1.2.3/8"}, {"gateway", "192.0.2.3"}}};
     },
     "routes[1]: field \"destination\": 10.1.2.3/8 is already routed by routes[0]"},
};

INSTANTIATE_TEST_SUITE_P(BadInputs, ConfigRefuses, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ConfigParse, RefusesInvalidUtf8WithoutThrowing) {
  std::string text = "{\"hostname\": \"\xff\"}";
  EXPECT_NE(errorOf(text).find("line 1, column 15"), std::string::npos) << errorOf(text);
}

TEST(IpParse, AddressesBothFamilies) {
  Result<IpAddress> v4 = parseIpAddress("192.0.2.1");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->family, AF_INET);
  EXPECT_EQ(v4->bytes[0], 192);
  EXPECT_EQ(v4->bytes[3], 1);
  Result<IpAddress> v6 = parseIpAddress("2001:0DB8::0001");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->family, AF_INET6);
  EXPECT_EQ(v6->text, "2001:db8::1");
  EXPECT_EQ(v6->bytes[15], 1);
  EXPECT_FALSE(parseIpAddress("").ok());
  EXPECT_FALSE(parseIpAddress("192.0.2").ok());
  EXPECT_FALSE(parseIpAddress("192.0.2.1/24").ok());
  EXPECT_FALSE(parseIpAddress(std::string_view("192.0.2.1\0x", 11)).ok());
  EXPECT_EQ(parseIpAddress("fe80::1%eth0").error(),
            "\"fe80::1%eth0\" is not an IP address (expected e.g. 192.0.2.1 or 2001:db8::1)");
}

TEST(IpParse, PrefixesCheckLengthPerFamily) {
  EXPECT_EQ(parseIpPrefix("192.0.2.1/32")->length, 32);
  EXPECT_EQ(parseIpPrefix("::/0")->text, "::/0");
  EXPECT_EQ(parseIpPrefix("2001:db8::/128")->length, 128);
  EXPECT_EQ(parseIpPrefix("192.0.2.1/33").error(), "\"192.0.2.1/33\" has a prefix length above 32");
  EXPECT_EQ(parseIpPrefix("2001:db8::1").error(),
            "\"2001:db8::1\" has no prefix length (expected e.g. 2001:db8::1/64)");
  EXPECT_FALSE(parseIpPrefix("192.0.2.1/").ok());
  EXPECT_FALSE(parseIpPrefix("192.0.2.1/+8").ok());
  EXPECT_FALSE(parseIpPrefix("192.0.2.1/24/1").ok());
  EXPECT_FALSE(parseIpPrefix("/24").ok());
}

TEST(Roles, HaveTheirConfigNames) {
  EXPECT_EQ(roleName(PortRole::kExternal), "external");
  EXPECT_EQ(roleName(PortRole::kInternal), "internal");
  EXPECT_EQ(roleName(PortRole::kDmz), "dmz");
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string write(const std::string& name, std::string_view content) {
    std::string path = ::testing::TempDir() + "vlb_config_test_" + name;
    std::ofstream(path) << content;
    return path;
  }
};

TEST_F(ConfigFile, MissingFileIsRefused) {
  std::string path = ::testing::TempDir() + "vlb_config_test_does_not_exist.json";
  Result<Config> cfg = loadConfigFile(path);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error(), "cannot read " + path + ": No such file or directory");
}

TEST_F(ConfigFile, DirectoryIsRefused) {
  Result<Config> cfg = loadConfigFile("/");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error(), "cannot read /: Is a directory");
}

TEST_F(ConfigFile, ErrorsNameTheFile) {
  std::string path = write("bad.json", "{\"ports\": []}");
  EXPECT_EQ(loadConfigFile(path).error(),
            path + ": field \"ports\": the list is empty (at least one port is needed)");
}

TEST_F(ConfigFile, LoadsAValidFile) {
  std::string path = write("good.json", defaultConfigJson());
  Result<Config> cfg = loadConfigFile(path);
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->ports.size(), 2u);
}

}  // namespace
}  // namespace vlb::config
