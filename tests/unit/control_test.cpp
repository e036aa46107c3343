#include <gtest/gtest.h>

#include <algorithm>

#include "mgmt/control/command_registry.h"
#include "mgmt/control/control_server.h"
#include "mgmt/daemon/eal_args.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

CommandRegistry registry() {
  CommandRegistry r;
  r.add("show interfaces", "ports", [](const Words& a) -> Result<json> {
    return json{{"args", a}};
  });
  r.add("show", "everything", [](const Words&) -> Result<json> { return json{{"all", true}}; });
  r.add("fail", "always fails", [](const Words&) -> Result<json> { return fail("it broke"); });
  return r;
}

TEST(CommandRegistry, LongestCommandWinsAndTheRestAreArguments) {
  auto r = registry();
  auto got = r.dispatch({"show", "interfaces", "ext"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["args"], json({"ext"}));
  EXPECT_TRUE((*r.dispatch({"show"}))["all"].get<bool>());
}

TEST(CommandRegistry, UnknownAndEmptyCommandsSayWhat) {
  auto r = registry();
  EXPECT_EQ(r.dispatch({"frobnicate", "now"}).error(), "unknown command \"frobnicate now\"; try \"help\"");
  EXPECT_EQ(r.dispatch({}).error(), "empty command; try \"help\"");
}

TEST(ControlServer, RequestsAndRepliesAreJsonLines) {
  EventLoop loop;
  auto r = registry();
  ControlServer server(loop, r);
  auto ok = json::parse(server.handleRequest(R"({"command": ["show", "interfaces"]})"));
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(ok["result"]["args"], json::array());
  auto failed = json::parse(server.handleRequest(R"({"command": ["fail"]})"));
  EXPECT_FALSE(failed["ok"].get<bool>());
  EXPECT_EQ(failed["error"], "it broke");
  for (const char* bad : {"not json", "[]", R"({"command": "show"})", R"({"command": [1]})"}) {
    auto reply = json::parse(server.handleRequest(bad));
    EXPECT_FALSE(reply["ok"].get<bool>()) << bad;
    EXPECT_NE(reply["error"].get<std::string>().find("bad request"), std::string::npos) << bad;
  }
}

TEST(EalArguments, LabConfigBuildsAVdevPerPortWithoutHugepages) {
  auto cfg = config::parseConfig(config::defaultConfigJson());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  cfg->eal.memory_mb = 0;
  const auto args = ealArguments(*cfg, "vlbd");
  auto has = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) != args.end(); };
  EXPECT_TRUE(has("--no-huge"));
  EXPECT_TRUE(has("--no-shconf"));
  EXPECT_FALSE(has("--in-memory"));
  EXPECT_TRUE(has("-m512"));
  EXPECT_TRUE(has("-l0-1"));
  EXPECT_TRUE(has("--vdev=net_af_packet0,iface=ext0"));
  EXPECT_TRUE(has("--vdev=net_af_packet1,iface=int0"));
  cfg->ports[0].devargs = "0000:03:00.0";
  EXPECT_TRUE([&] {
    auto a = ealArguments(*cfg, "vlbd");
    return std::find(a.begin(), a.end(), "-a0000:03:00.0") != a.end();
  }());
}

}  // namespace
}  // namespace vlb::mgmt
